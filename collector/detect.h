/* The detection engine: every ingested record is judged by
 *   rules      the reference's fixed rules (5xx, > 3 s, > 10 MB), kept for compatibility;
 *              the slow and large ones only fire while the route has no baseline yet or
 *              when the value is also beyond the route's own baseline (detect_rules.c);
 *   payload    strong attack tokens on token boundaries, with the evidence quoted;
 *   baselines  per-route robust baselines of latency and size (median / MAD in log space,
 *              with a minimum volume) and of the 5xx share (detect_baseline.c);
 *   behaviour  in seconds, per client and per route: endpoint scan, brute force (per
 *              client and distributed over clients on a route), flood (leaky bucket),
 *              error-rate spike, latency regression, traffic drop (detect_behaviour.c);
 *   the forest the Isolation Forest over the request's features and its client's context,
 *              once it has been trained on this site's own traffic (the starter model
 *              scores, but does not judge: a new site is learned before it is judged).
 * Findings make the record's verdict (type, graded score, severity, reasons: what was
 * seen, what is usual, by how much it differs), which stays on its traffic row, and feed
 * incidents (detect_incidents.c): one open anomaly per (pattern, client or route),
 * counted while it lasts and closed after a quiet period.
 *
 * Time is traffic time (the records' own timestamps), so a replay of a log is judged as
 * the live traffic was. All state is bounded by configuration (tables of clients, routes
 * and incidents with least-recently-seen eviction). */
#ifndef SF_DETECT_H
#define SF_DETECT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "collector/ingest_job.h"

struct sf_iforest;
typedef struct sf_client_table sf_client_table;
typedef struct sf_route_table sf_route_table;
typedef struct sf_incident_table sf_incident_table;

/* A record's anomaly_score is graded on one scale whatever found it: flagged records score
 * from SF_DETECT_THRESHOLD (just past a detector's threshold) towards 1 (far past it);
 * others score below it, in proportion to the forest's score over its threshold (0 without
 * a model). The reference's ANOMALY_THRESHOLD was 0.6 too. */
#define SF_DETECT_THRESHOLD 0.6

/* Thresholds (collector configuration, section [detect]; defaults in detect.c). */
typedef struct sf_detect_config {
    /* the reference's rules */
    double slow_ms;                 /* response_time_spike above this (3000) */
    int64_t large_bytes;            /* large_request / large_response above this (10 MB) */
    /* per-route baselines */
    int64_t baseline_min_requests;  /* a route is judged after this many requests (20) */
    double baseline_mads;           /* beyond median + this many scaled MADs (log scale) (6) */
    double baseline_min_ratio;      /* and at least this many times the median (3) */
    double latency_min_excess_ms;   /* and at least this much above the median (100) */
    int64_t size_min_excess;        /* sizes: at least this many bytes above (1 MiB) */
    /* behaviour, per client (windows of 60 s) */
    int64_t scan_distinct;          /* distinct 404/403/400 paths per client per minute (10) */
    int64_t brute_force;            /* auth failures per client per minute (10) */
    double flood_rate;              /* leaky bucket: requests per second a client may keep up (10) */
    int64_t flood_burst;            /* ... and bucket size (200) */
    int64_t address_clients;        /* an address may carry this many clients' budget (10) */
    /* behaviour, per route */
    int64_t brute_force_route;      /* auth failures on a route per minute (20) ... */
    int64_t brute_force_clients;    /* ... from at least this many clients (5) */
    int64_t route_window_ms;        /* window of the route detectors (30 s) */
    int64_t error_spike_min;        /* 5xx in the window (5) ... */
    double error_spike_share;       /* ... and at least this share of its requests (0.2) */
    int64_t regression_min;         /* requests in the window (5) ... */
    double regression_share;        /* ... this share of them slow for the route (0.5) */
    int64_t drop_min_expected;      /* traffic drop: a route expected to get this many
                                       requests in drop_window (20) ... */
    int64_t drop_window_ms;         /* (120 s) ... */
    double drop_ratio;              /* ... got less than this share of them (0.1) */
    int64_t sensor_silence_ms;      /* a sensor not heard from for this long (60 s) */
    /* incidents */
    int64_t incident_quiet_ms;      /* an incident closes after this long without news (5 min) */
    /* memory */
    int64_t client_table_size, route_table_size, incident_table_size;
} sf_detect_config;

void sf_detect_config_default(sf_detect_config *c);

typedef struct sf_detectors {
    sf_detect_config cfg;
    pthread_rwlock_t model_lock;   /* readers: scoring; writer: model swap */
    struct sf_iforest *model;      /* may be NULL */
    int model_version;
    bool model_judges;             /* trained on this site: its verdicts count */
    pthread_mutex_t state_lock;    /* clients, routes, incidents, counters */
    sf_client_table *clients, *demo_clients; /* demo data (back-dated, invented clients)
                                                kept apart so it cannot skew real ones */
    struct sf_bucket_table *addresses, *demo_addresses; /* per-address flood buckets */
    sf_route_table *routes, *demo_routes;
    sf_incident_table *incidents;
    int64_t traffic_now_us;        /* latest record time seen (real traffic) */
    int64_t last_sweep_us;         /* traffic time of the last traffic-drop sweep */
    int64_t real_records;          /* real records judged since start */
    int64_t nudge_at;              /* call nudge once real_records reaches this */
    void (*nudge)(void *arg);      /* the model manager's "a training milestone is here" */
    void *nudge_arg;
    uint64_t job_serial;
} sf_detectors;

int sf_detectors_init(sf_detectors *d, const sf_detect_config *cfg);
void sf_detectors_destroy(sf_detectors *d);

/* Swaps in a new model (ownership taken); the old one is freed once no scorer holds it.
 * judges: the model was trained on this site's traffic (not the starter). */
void sf_detectors_set_model(sf_detectors *d, struct sf_iforest *model, int version,
                            bool judges);
int sf_detectors_model_version(sf_detectors *d);
/* What the fixed tables forgot so far to make room (each is bounded by its setting:
 * client_table_size, route_table_size, incident_table_size). */
typedef struct sf_detect_evictions {
    uint64_t clients, addresses, routes, incidents;
} sf_detect_evictions;
void sf_detectors_evictions(sf_detectors *d, sf_detect_evictions *out);
/* Real records judged since start. */
int64_t sf_detectors_real_records(sf_detectors *d);
/* Calls nudge(arg) once (from an ingest worker, no lock held) when real_records reaches at:
 * the model manager trains at record counts, not on a wall-clock poll alone. */
void sf_detectors_set_nudge(sf_detectors *d, int64_t at, void (*nudge)(void *), void *arg);

/* The columns of a site's own model: what a request is (method, sizes, latency, attack
 * tokens, how new its route and parameters are to the site). Not the hour of day: a model
 * trained on the first hours of a site has not seen the others, and would flag every new
 * hour. Not the ctx. group (a client's last minute): page loads, NAT and proxies make it
 * look like bursts and scans, and those are judged by the behaviour detectors, with
 * thresholds, instead. Not the status class: outcomes are judged by the rules and the
 * route and client detectors (5xx, error spikes, scans, brute force), and a 304 or a 404 is
 * the most ordinary thing on a public site. Not the user-agent length: a rare device is
 * not an attack. */
#define SF_SITE_MODEL_FEATURES                                                                 \
    "meta.latency_ms_log,meta.request_bytes_log,meta.response_bytes_log,meta.method,kw.,"     \
    "profile.surprise"

struct sf_model_train_options;
/* Trains an HTTP model on items (normal traffic), with each record's client context
 * computed afresh in time order, as the live detectors would have seen it. features: the
 * feature-name prefixes to use (NULL: the model library's default set). NULL with err set
 * on failure. */
struct sf_iforest *sf_train_from_items(const sf_ingest_item *items, size_t n,
                                       const char *features,
                                       const struct sf_model_train_options *opts, char *err,
                                       size_t err_size);

/* Judges items[0..n) of one job: fills each item's verdict and job->incidents. */
void sf_detect_job(sf_detectors *d, sf_ingest_job *job);

#endif
