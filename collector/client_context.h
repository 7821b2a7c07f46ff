/* Per-client context over the last minute: request rate, error ratio, distinct paths,
 * distinct not-found paths (scans) and authentication failures (brute force). Feeds the
 * Isolation Forest's ctx.* features and the behavioural detectors.
 *
 * Memory is fixed at creation: a table of `capacity` clients; when a probe window is
 * full the least recently seen client there is replaced (and counted as evicted). Each
 * client keeps six 10-second slots; distinct paths are estimated by linear counting
 * over a 256-bit bitmap, exact for small numbers and within a few percent up to ~200. */
#ifndef SF_CLIENT_CONTEXT_H
#define SF_CLIENT_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sf_client_table sf_client_table;

typedef struct sf_client_minute {
    double requests;          /* in the last 60 s, this one included */
    double error_ratio;       /* status >= 400 */
    double distinct_paths;
    double distinct_not_found;/* 404/403 paths */
    double auth_failures;     /* 401/403 on authentication routes */
} sf_client_minute;

sf_client_table *sf_client_table_new(uint32_t capacity);
void sf_client_table_free(sf_client_table *t);

/* Records one request of client at ts_us and returns its last-minute context. Not
 * thread-safe: callers serialise (the ingest workers hold a lock per batch). */
void sf_client_observe(sf_client_table *t, const char *client, int64_t ts_us, const char *route,
                       int status, bool auth_route, sf_client_minute *out);

uint64_t sf_client_table_evictions(const sf_client_table *t);

#endif
