/* The detectors: every ingested record is scored by the Isolation Forest (when a model
 * is loaded) over its HTTP features and its client's last-minute context, and checked by
 * the reference's rules (5xx, > 3 s, > 10 MB) and by behavioural detectors (request
 * floods, endpoint scans, login brute force, attack payloads in path and query). The
 * result says which fired and why, in words.
 *
 * anomaly_score: the forest's score in [0,1]; when a rule or behavioural detector fires
 * it is raised to at least 0.8 (rules are certain in their own terms). Without a model,
 * it is 0.8 for rule hits and 0 otherwise. */
#ifndef SF_DETECTORS_H
#define SF_DETECTORS_H

#include <pthread.h>
#include <stdint.h>

#include "collector/client_context.h"
#include "collector/ingest_job.h"

struct sf_iforest;

typedef struct sf_detector_limits {
    double slow_ms;             /* response_time_spike above this (3000) */
    int64_t large_bytes;        /* large_request / large_response above this (10,000,000) */
    double flood_per_minute;    /* one client's requests in a minute (600) */
    double scan_distinct;       /* distinct 404/403 paths per client per minute (20) */
    double brute_force;         /* 401/403 on auth routes per client per minute (10) */
} sf_detector_limits;

typedef struct sf_detectors {
    sf_detector_limits limits;
    pthread_rwlock_t model_lock;   /* readers: scoring; writer: model swap */
    struct sf_iforest *model;      /* may be NULL */
    int model_version;
    pthread_mutex_t clients_lock;
    sf_client_table *clients;
    sf_client_table *demo_clients; /* demo data (back-dated, invented clients) kept apart
                                      so it cannot skew real clients' context */
} sf_detectors;

int sf_detectors_init(sf_detectors *d, uint32_t client_capacity);
void sf_detectors_destroy(sf_detectors *d);
void sf_detector_limits_default(sf_detector_limits *l);

/* Swaps in a new model (ownership taken); the old one is freed once no scorer holds it. */
void sf_detectors_set_model(sf_detectors *d, struct sf_iforest *model, int version);
int sf_detectors_model_version(sf_detectors *d);
/* Clients forgotten so far because the per-client table was full. */
uint64_t sf_detectors_client_evictions(sf_detectors *d);

struct sf_model_train_options;
/* Trains an HTTP model on items (normal traffic), with each record's client context
 * computed afresh in time order, as the live detectors would have seen it. features: the
 * feature-name prefixes to use (NULL: the model library's default set). NULL with err set
 * on failure. */
struct sf_iforest *sf_train_from_items(const sf_ingest_item *items, size_t n,
                                       const char *features,
                                       const struct sf_model_train_options *opts, char *err,
                                       size_t err_size);

/* Scores items[0..n) of one job: fills score, anomaly fields, reasons and features. */
void sf_detect_items(sf_detectors *d, sf_ingest_item *items, size_t n);

#endif
