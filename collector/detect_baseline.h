/* Per-route baselines (detect.h): what is usual for one route (method and route template)
 * and what its last seconds look like.
 *
 * Latency, response size (2xx answers) and request size are kept as decayed histograms in
 * log scale (four buckets per doubling for latency, two for sizes); the median and the
 * median absolute deviation (MAD) come from them, so one slow request, or a route that is
 * always slow, moves nothing: a value is unusual for the route when it lies more than
 * baseline_mads scaled MADs (1.4826 MAD, a standard deviation for normal data) above the
 * median in log scale, is baseline_min_ratio times the median or more, and is above it by
 * an absolute margin. The MAD has a floor of a quarter doubling (a route with identical
 * latencies, MAD = 0, is not judged on noise). Nothing is judged before
 * baseline_min_requests requests. Histograms halve when they hold 2,000 requests, so the
 * baseline follows the route's recent weeks rather than its first day.
 *
 * The whole site is kept the same way, as the prior of a route that has no baseline yet:
 * the reference's fixed rules (> 3 s, > 10 MB) only fire there when the value is also
 * beyond the site's 99.9th percentile (a site that serves 50 MB downloads is not flagged for one on a
 * page requested for the first time).
 *
 * The last two minutes are kept in 5-second slots: requests, 5xx answers, requests slow
 * for the route, authentication failures and the clients they came from; these feed the
 * route detectors (error-rate spike, latency regression, distributed brute force,
 * traffic drop). A route's usual rate is an average over its active minutes.
 *
 * Memory: a fixed table of routes (route_table_size, about 2 KB each); when a probe window
 * is full, the least recently seen route is replaced. */
#ifndef SF_DETECT_BASELINE_H
#define SF_DETECT_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "collector/detect.h"

typedef struct sf_route_table sf_route_table;

/* One measure (latency, a size) of a route, in its own unit. */
typedef struct sf_baseline_value {
    double median;      /* 0 when not warm */
    double upper;       /* unusual above this (baseline_mads scaled MADs, ratio, margin) */
    double z;           /* this request's distance above the median, in scaled MADs */
    double p999;        /* 99.9th percentile (the upper edge of its bucket) */
    bool judged;        /* warm, and the request had this measure */
} sf_baseline_value;

typedef struct sf_route_view {
    double requests;          /* in the baseline (decayed) */
    bool warm;                /* requests >= baseline_min_requests */
    sf_baseline_value latency, response_size, request_size;
    /* the same measures over the whole site: what a route without a baseline of its own
     * is compared with */
    sf_baseline_value site_latency, site_response_size, site_request_size;
    double server_error_share;/* usual 5xx share */
    double site_server_error_share; /* ... of the whole site */
    /* the route window (route_window_ms, or the last minute when the window holds fewer
     * than regression_min requests), this request included */
    int64_t window_ms, window_requests, window_server_errors, window_slow;
    /* the last minute */
    int64_t auth_failures;
    double auth_clients;      /* distinct clients among them (estimate) */
} sf_route_view;

/* A route that went quiet (traffic drop or silence). */
typedef struct sf_route_drop {
    char route[160];          /* "GET /api/orders" (shortened if longer) */
    double expected, observed;/* requests in drop_window_ms */
} sf_route_drop;

sf_route_table *sf_route_table_new(uint32_t capacity);
/* Routes forgotten so far because their probe window was full. */
uint64_t sf_route_table_evictions(const sf_route_table *t);
void sf_route_table_free(sf_route_table *t);

/* Judges rec against its route's baseline, then learns it. client: the client key (for
 * the distinct clients of auth failures). */
void sf_route_observe(sf_route_table *t, const sf_detect_config *cfg, const char *method,
                      const char *route, const sf_record *rec, int64_t ts_us,
                      bool auth_failure, const char *client, sf_route_view *out);

/* Routes whose traffic dropped: usual rate times drop_window_ms is at least
 * drop_min_expected, and the window before now_us got less than drop_ratio of it. Each
 * is reported once per window while it lasts. Returns how many were written (<= max). */
size_t sf_route_sweep(sf_route_table *t, const sf_detect_config *cfg, int64_t now_us,
                      sf_route_drop *drops, size_t max);

#endif
