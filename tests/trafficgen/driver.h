/* `securaflow-trafficgen drive`: worker threads, each with its own connection (kept alive
 * unless --fresh-connections), sending requests from the mix in groups of --pipeline,
 * paced to --rate overall, and timing each from its write to the end of its response.
 * --report writes one JSON line per request (method, target, status, latency, connection
 * id) so a test can compare it with what the sensor saw. Prints a JSON summary.
 * With --clients N, requests come from N addresses of 127.0.0.0/8 (one per simulated
 * user); with --browse, traffic is visits (page loads and app calls, request_mix.h);
 * with --scenarios, a scheduler thread runs attack scenarios (scenarios.h). */
#ifndef TG_DRIVER_H
#define TG_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "scenarios.h"

typedef struct tg_drive_opts {
    const char *target;      /* "http://127.0.0.1:8090" */
    long requests;
    int concurrency;
    double rate;             /* requests per second overall; 0 = as fast as possible */
    unsigned anomalies;      /* request_mix.h mask */
    double anomaly_rate;
    int pipeline;            /* requests written back to back before reading */
    bool fresh_connections;  /* a new connection for every group */
    const char *report;
    uint64_t seed;
    int timeout_ms;
    int clients;             /* simulated users, each from its own address; 0 = no binding */
    const char *client_base; /* first user address, "127.10.0.1" */
    bool browse;             /* visits: page loads (page, assets, API calls) and app calls */
    double duration_s;       /* stop after this long; 0 = when --requests are sent */
    tg_schedule schedule;    /* scenarios (schedule.mask 0 = none) */
} tg_drive_opts;

/* Returns 0 when every request got a response, 1 if some failed, 2 on setup errors. */
int tg_drive_run(const tg_drive_opts *o);

#endif
