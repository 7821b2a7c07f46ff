/* Capture health counters: summing the per-worker sets, and printing them as text
 * (at exit, on SIGUSR1) or JSON (heartbeats). */
#include "sensor/sensor_stats.h"

void sf_stats_add(sf_sensor_stats *dst, const sf_sensor_stats *src)
{
#define SF_STATS_SUM(name) dst->name += src->name;
    SF_STATS_FIELDS(SF_STATS_SUM)
#undef SF_STATS_SUM
    if (src->memory_peak > dst->memory_peak)
        dst->memory_peak = src->memory_peak;
    if (src->sampling_ratio < dst->sampling_ratio || dst->sampling_ratio == 0)
        dst->sampling_ratio = src->sampling_ratio;
}

double sf_stats_capture_loss_pct(const sf_sensor_stats *s)
{
    double total = (double)s->tcp_payload_bytes + (double)s->tcp_gap_bytes;
    return total > 0 ? 100.0 * (double)s->tcp_gap_bytes / total : 0.0;
}

json_t *sf_stats_to_json(const sf_sensor_stats *s)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
#define SF_STATS_JSON(name) json_object_set_new(o, #name, json_integer((json_int_t)s->name));
    SF_STATS_FIELDS(SF_STATS_JSON)
#undef SF_STATS_JSON
    json_object_set_new(o, "memory_peak", json_integer((json_int_t)s->memory_peak));
    json_object_set_new(o, "sampling_ratio", json_real(s->sampling_ratio));
    json_object_set_new(o, "capture_loss_pct", json_real(sf_stats_capture_loss_pct(s)));
    return o;
}

void sf_stats_print(const sf_sensor_stats *s, FILE *out)
{
#define SF_STATS_TEXT(name) fprintf(out, "%-24s %llu\n", #name, (unsigned long long)s->name);
    SF_STATS_FIELDS(SF_STATS_TEXT)
#undef SF_STATS_TEXT
    fprintf(out, "%-24s %llu\n", "memory_peak", (unsigned long long)s->memory_peak);
    fprintf(out, "%-24s %.4f\n", "sampling_ratio", s->sampling_ratio);
    fprintf(out, "%-24s %.4f\n", "capture_loss_pct", sf_stats_capture_loss_pct(s));
    fflush(out);
}
