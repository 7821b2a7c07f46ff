/* What `securaflow-trafficgen drive` sends: a weighted mix of normal shop requests and,
 * when enabled, anomalies, most of them in bursts as they happen in real incidents:
 * latency spikes (server delay knob), 5xx bursts (status knob), endpoint scans, login
 * brute force, request floods (sent without the rate limit), oversized bodies and
 * injection payloads in the query. One state per worker thread. */
#ifndef TG_REQUEST_MIX_H
#define TG_REQUEST_MIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tg_anomaly {
    TG_ANOM_LATENCY = 1 << 0,
    TG_ANOM_5XX = 1 << 1,
    TG_ANOM_SCAN = 1 << 2,
    TG_ANOM_BRUTEFORCE = 1 << 3,
    TG_ANOM_FLOOD = 1 << 4,
    TG_ANOM_OVERSIZED = 1 << 5,
    TG_ANOM_INJECTION = 1 << 6,
};
#define TG_ANOM_COUNT 7

/* Parses "latency,5xx,scan,..." (or "all") into a mask. Returns 0 or -1. */
int tg_anomalies_parse(const char *list, unsigned *mask);
const char *tg_anomaly_name(unsigned bit);

typedef struct tg_request {
    const char *method;
    char target[1024];     /* path and query as sent */
    char headers[256];     /* extra header lines */
    char *body;            /* malloc'd or NULL */
    size_t body_len;
    bool chunked;          /* send the body with Transfer-Encoding: chunked */
    const char *anomaly;   /* NULL for normal traffic */
    bool unpaced;          /* part of a flood: not held back by --rate */
    const char *user_agent;/* NULL = "securaflow-trafficgen/1.0" */
} tg_request;

typedef struct tg_mix {
    uint64_t rng;
    unsigned anomalies;    /* mask of enabled kinds */
    double anomaly_rate;   /* chance that a request starts an anomaly */
    unsigned burst_kind;   /* current burst, 0 = none */
    int burst_left, burst_index;
} tg_mix;

void tg_mix_init(tg_mix *m, uint64_t seed, unsigned anomalies, double anomaly_rate);
void tg_mix_next(tg_mix *m, tg_request *out);
void tg_request_free(tg_request *r);

/* One visit of a browsing user (browse mode): most often a page load, the page, then its
 * assets (revalidated with If-None-Match by a returning visitor, who gets 304s), then the
 * API calls its script makes, among them the product listing (the shop's busiest API
 * route); sometimes a single API call of the mobile app. Fills up to max requests (max
 * >= 32) and returns how many. user_agent is the visitor's browser. */
int tg_mix_visit(tg_mix *m, tg_request *reqs, int max, const char *user_agent);

/* A browser's User-Agent for user number n (the same user keeps the same browser). */
const char *tg_browser_for(uint32_t n);

/* The busy API route of browse mode: route incidents (scenarios.h) act on it. */
#define TG_BUSY_ROUTE "/api/products?"

#endif
