/* Stand-in for the uploader until sensor/uploader.c exists: refuses to start, so the
 * sensor reports "--collector is not available in this build" instead of failing to link. */
#include "sensor/uploader.h"
#include <stdio.h>

sf_uploader *sf_uploader_start(const sf_uploader_config *cfg, char *err, size_t err_size)
{
    (void)cfg;
    snprintf(err, err_size, "this build has no uploader");
    return NULL;
}
int sf_uploader_submit(sf_uploader *up, const sf_record *rec) { (void)up; (void)rec; return -1; }
void sf_uploader_set_stats(sf_uploader *up, json_t *stats) { (void)up; json_decref(stats); }
void sf_uploader_get_counters(sf_uploader *up, sf_uploader_counters *out)
{
    (void)up;
    *out = (sf_uploader_counters){0};
}
void sf_uploader_stop(sf_uploader *up, int64_t deadline_ms) { (void)up; (void)deadline_ms; }
