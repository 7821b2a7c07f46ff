/* How ingest requests (POST /api/traffic and /api/traffic/batch) were answered, for GET
 * /metrics: the wait for the answer of those answered 200, from the request's arrival (the
 * moment it had been read whole) to the reply, as a Prometheus histogram; and how many
 * were answered with each status. Only touched on the loop thread (ingest answers are sent
 * there, and /metrics copies these there), so plain counters. One per process, in sf_app;
 * all zero to begin with. */
#ifndef SF_INGEST_METRICS_H
#define SF_INGEST_METRICS_H

#include <stdint.h>

#define SF_INGEST_BUCKETS 11 /* finite upper bounds; the +Inf bucket is the count */
#define SF_INGEST_STATUSES 7 /* the statuses ingest answers with, then "other" */

/* The buckets' upper bounds, seconds, ascending. */
extern const double sf_ingest_bucket_le[SF_INGEST_BUCKETS];
/* The status label values, in the order of sf_ingest_metrics.answered. */
extern const char *const sf_ingest_status_label[SF_INGEST_STATUSES];

typedef struct sf_ingest_metrics {
    uint64_t at_most[SF_INGEST_BUCKETS]; /* 200s answered within each bound (cumulative) */
    uint64_t count;                      /* all 200s */
    double sum_s;                        /* their total wait */
    uint64_t answered[SF_INGEST_STATUSES];
} sf_ingest_metrics;

/* Counts an ingest request answered with status after waiting waited_us. */
void sf_ingest_metrics_note(sf_ingest_metrics *m, int status, int64_t waited_us);

#endif
