/* Fuzz target: the access-log line parser of `securaflow-trafficgen replay`
 * (tests/trafficgen/access_log.c). Any input is a skipped line or an entry whose text
 * fields are terminated within their buffers and whose status is in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    tg_log_entry e;
    char err[128];
    if (tg_log_parse(line, &e, err, sizeof err) == 0) {
        if (e.status < 100 || e.status > 599 || e.bytes < 0 || !e.target[0] ||
            strnlen(e.user_agent, sizeof e.user_agent) == sizeof e.user_agent ||
            strnlen(e.target, sizeof e.target) == sizeof e.target)
            abort();
    }
    free(line);
    return 0;
}
