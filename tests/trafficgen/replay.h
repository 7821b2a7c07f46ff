/* `securaflow-trafficgen replay`: posts a web server's access log (Apache/nginx combined or
 * common format, plain or gzip) to a collector's POST /api/traffic/batch in time order,
 * with an ingest token, optionally time-compressed and paced, with attack scenarios
 * planted among the real lines at known times and addresses (replay_plant.c). The log has
 * no durations: the replay makes them up (made_up_latency in replay.c says how). Writes a
 * manifest of what it planted, where and when, for tests/bench/detection_report.sh. */
#ifndef TG_REPLAY_H
#define TG_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One record to post, in the log's own clock until it is shifted. */
typedef struct rp_rec {
    int64_t ts_us;
    char *ip, *target, *user_agent;   /* malloc'd; user_agent may be NULL */
    char method[17];
    int status;
    int64_t req_bytes, resp_bytes;    /* request body (-1 unknown), response body */
    double latency_ms;
    int scenario;                     /* -1 = a real line, else index into the plan */
} rp_rec;

typedef struct rp_list {
    rp_rec *v;
    size_t n, cap, max;               /* max bounds memory (--max-records) */
} rp_list;

/* Appends a record (strings copied). Returns 0, or -1 when full or out of memory. */
int rp_add(rp_list *l, int64_t ts_us, const char *ip, const char *method, const char *target,
           const char *user_agent, int status, int64_t req_bytes, int64_t resp_bytes,
           double latency_ms, int scenario);

/* A planted scenario: what it imitates, which anomaly types would name it rightly, when
 * (log clock), from where, on which route, how many requests. */
typedef struct rp_scenario {
    const char *name;
    const char *expect;               /* comma-separated anomaly types */
    const char *description;
    int64_t start_us, end_us;         /* the attack itself (not the busy route's lead-in) */
    char clients[64];                 /* address or prefix its requests come from */
    char route[64];
    long requests;                    /* requests of the attack itself */
} rp_scenario;

#define RP_SCENARIOS_MAX 16

typedef struct replay_opts {
    const char *collector;            /* http://HOST:PORT */
    const char *token_file;           /* else $SECURAFLOW_INGEST_TOKEN */
    const char *log;                  /* access log, plain or .gz */
    const char *manifest;             /* where to write the plan (JSON lines) */
    const char *jsonl;                /* write records here instead of posting */
    const char *plant;                /* scenario list or "all", NULL = none */
    double speed;                     /* time compression: traffic time = log time / speed */
    bool pace;                        /* post each record when its (compressed) time comes */
    double max_rate;                  /* records/s cap when not pacing; 0 = none */
    double plant_after_s;             /* first scenario this long after the log's start */
    double plant_gap_s;               /* between scenarios */
    int batch;                        /* records per POST */
    long max_records;
    uint64_t seed;
    const char *sensor_id;
} replay_opts;

/* Plants the scenarios of mask (bits of enum tg_scenario, scenarios.h) into l from start_us on, one every
 * gap_us; fills plan and returns how many, or -1 when l is full. */
int rp_plant(rp_list *l, unsigned mask, int64_t start_us, int64_t gap_us, uint64_t seed,
             rp_scenario *plan);

int tg_replay_run(const replay_opts *o);

#endif
