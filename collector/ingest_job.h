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
    bool incident_opened;      /* its finding opened a new incident (live stream) */
    int64_t anomaly_id;        /* that incident's id in anomalies, once stored (else 0) */
    int subject_kind;          /* its incident's subject (detect_verdict.h sf_subject) */
    const char *family;        /* its incident's family (static string) */
    bool demo;
    int ground_truth;          /* -1 unknown, 0 normal, 1 anomaly (demo generation) */
    int64_t traffic_id;        /* assigned by the writer */
    size_t row_at;             /* where its traffic row starts in the job's rows */
} sf_ingest_item;

#define SF_INCIDENT_KEY_MAX 192
#define SF_INCIDENT_SUBJECT_MAX 160

/* What one job adds to one incident (detect_incidents.h): the writer merges a group's
 * updates per key and upserts them into anomalies. */
typedef struct sf_incident_update {
    char key[SF_INCIDENT_KEY_MAX];         /* family|subject|first seen: one per incident */
    char subject[SF_INCIDENT_SUBJECT_MAX]; /* "client 10.0.0.5", "route GET /login" */
    const char *type, *severity, *detector; /* static strings */
    int rank;                  /* the type's rank: an incident takes its strongest type */
    double score;              /* highest in this update */
    int64_t first_us, last_us, count;      /* traffic time, records */
    const sf_ingest_item *first, *best;    /* records (traffic fields, reasons); NULL:
                                              an incident without a record */
    json_t *reasons, *features;            /* owned; incidents without a record only */
    char route[SF_ROUTE_MAX];              /* incidents without a record only */
    int model_version;
    bool demo;
} sf_incident_update;

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
    sf_incident_update *incidents; /* what the job's findings add to incidents */
    size_t n_incidents, incidents_cap;
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
/* A new, zeroed update at the end of job->incidents; NULL when out of memory. */
sf_incident_update *sf_ingest_job_add_incident(sf_ingest_job *job);

#endif
