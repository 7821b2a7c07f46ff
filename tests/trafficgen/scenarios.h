/* The driver's scheduled attack scenarios (`drive --scenarios`): each at a known time from
 * known addresses, so a test can check that the collector named it, and a demo shows each
 * one. They run one at a time in the order bruteforce, scan, latency, flood, injection,
 * 5xx, oversized, bruteforce-distributed. They imitate the real thing at the rates real tools run at, and cross the
 * collector's default thresholds because real attacks do:
 *   latency    the busy API route (the product listing every page load calls) answers
 *              ~600 ms instead of ~6 ms for 12 s: every visitor's request, no extra load
 *   5xx        80 % of that route's answers are 500/502/503 for 10 s
 *   scan       40 well-known paths (.env, .git/config, wp-login.php...) at 8 req/s
 *   bruteforce 40 failed logins at 4 req/s from one address
 *   bruteforce-distributed  60 failed logins at 5 req/s from 30 addresses (2 each)
 *   flood      500 requests at 50 req/s from one address
 *   injection  12 sqlmap-style payloads (SQLi, XSS, traversal, log4j, command) at 2 req/s
 *   oversized  2 order bodies of 12-20 MB
 * Normal visitors come from 127.10.0.0/16, single attackers from 127.66.0.{10,20,...,50},
 * the botnet from 127.77.0.1-30. Each finished scenario is appended to --scenario-log as
 * a JSON line (name, expected anomaly types, start, end, clients, route, requests), the
 * same shape as the replay's manifest. */
#ifndef TG_SCENARIOS_H
#define TG_SCENARIOS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "request_mix.h"

/* The scenarios, the same eight for drive and replay (replay_plant.c). */
enum tg_scenario {
    TG_SC_LATENCY, TG_SC_5XX, TG_SC_SCAN, TG_SC_BRUTE, TG_SC_BRUTE_DIST, TG_SC_FLOOD,
    TG_SC_INJECTION, TG_SC_OVERSIZED, TG_SC_COUNT
};
extern const char *const tg_scenario_names[TG_SC_COUNT];

/* A route incident the scenarios switch on and normal visitors' requests suffer. */
typedef struct tg_incident {
    atomic_int kind;             /* 0 none, 1 latency, 2 5xx */
    atomic_llong until_us;       /* monotonic */
    atomic_long affected;        /* requests it changed */
} tg_incident;

/* Adds the active incident's header to r when r is on the busy route. */
void tg_incident_apply(tg_incident *inc, tg_request *r, uint64_t *rng);

/* The driver's side: sends r from source (an address) and returns the status, 0 if none. */
typedef struct tg_sender tg_sender;
typedef int (*tg_send_fn)(tg_sender *s, const char *source, tg_request *r);

typedef struct tg_schedule {
    unsigned mask;               /* scenarios to run */
    double start_s;              /* the first, after the driver started */
    double gap_s;                /* quiet time after each (they run one at a time) */
    double repeat_s;             /* the whole schedule again this long after its start
                                    (or at once if it took longer); 0 = once */
    const char *log;             /* JSON lines of what ran, or NULL */
} tg_schedule;

/* "all" or a comma list of latency,5xx,scan,bruteforce,bruteforce-distributed,flood,
 * injection,oversized into a mask. Returns 0 or -1. */
int tg_scenarios_parse(const char *list, unsigned *mask);

/* Runs the schedule until it is done or *stop; t0_us is the driver's start (monotonic). */
void tg_scenarios_run(const tg_schedule *sc, int64_t t0_us, tg_incident *inc, tg_send_fn send,
                      tg_sender *sender, atomic_bool *stop, uint64_t seed);

#endif
