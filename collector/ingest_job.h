/* Ingest jobs: one POST /api/traffic or /api/traffic/batch on its way through the
 * collector: decoded and validated records (items), each scored, then stored by the
 * writer in one transaction, then answered. */
#ifndef SF_INGEST_JOB_H
#define SF_INGEST_JOB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "collector/copy_buffer.h"
#include "collector/route_template.h"
#include "common/record.h"

#define SF_BATCH_ID_MAX 256
#define SF_BATCH_RECORDS_MAX 10000

typedef struct sf_ingest_item {
    sf_record rec;
    int64_t ts_us;             /* the record's time (now if it had none) */
    char route[SF_ROUTE_MAX];
    double score;              /* Isolation Forest score, or -1 without a model */
    int model_version;         /* 0 = none */
    bool is_anomaly;
    const char *anomaly_type;  /* static strings */
    const char *severity;
    const char *detector;
    json_t *reasons;           /* array of strings, anomalies only */
    json_t *features;          /* object, anomalies only */
    bool demo;
    int ground_truth;          /* -1 unknown, 0 normal, 1 anomaly (demo generation) */
    int64_t traffic_id;        /* assigned by the writer */
    size_t row_at;             /* where its traffic row starts in the job's rows */
} sf_ingest_item;

typedef struct sf_ingest_job sf_ingest_job;
typedef void (*sf_ingest_done_fn)(sf_ingest_job *job);

struct sf_ingest_job {
    /* request */
    bool is_batch;
    char sensor_id[SF_BATCH_ID_MAX + 1];
    char batch_id[SF_BATCH_ID_MAX + 1]; /* empty: not idempotent (single records) */
    char *body;                /* raw body (owned) until decoded */
    size_t body_len;
    bool gzip;
    /* decoded */
    sf_ingest_item *items;
    size_t count;
    json_t *rejected;          /* [{"index", "detail"}] */
    int anomalies;
    sf_copy_buffer rows;       /* the items' traffic rows (traffic_rows.h) */
    /* outcome */
    int status;                /* 200, or the error status */
    json_t *error_body;        /* for non-200 */
    bool duplicate;
    int stored_accepted;       /* for duplicates: what the first copy stored */
    int stored_anomalies;
    json_t *stored_rejected;
    char correlation_id[129];  /* of the request, for log lines written on its behalf */
    /* completion, on the loop thread */
    sf_ingest_done_fn done;
    void *done_arg;
    sf_ingest_job *next;
};

sf_ingest_job *sf_ingest_job_new(void);
void sf_ingest_job_free(sf_ingest_job *job);
void sf_ingest_item_clear(sf_ingest_item *item);

#endif
