/* Per-route baselines (see detect_baseline.h). */
#include "collector/detect_baseline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/detect_slots.h"
#include "common/text_hash.h"

#define LAT_BUCKETS 100      /* four per doubling of 1 + ms: up to ~9 hours */
#define LAT_PER_DOUBLING 4.0
#define SIZE_BUCKETS 80      /* two per doubling of 1 + bytes: up to 1 TB */
#define SIZE_PER_DOUBLING 2.0
#define MAD_FLOOR_DOUBLINGS 0.25
#define MAD_SCALE 1.4826     /* MAD to standard deviation for normal data */
#define HALVE_AT 2000.0
#define SLOTS 24
#define SLOT_US 5000000LL
#define PROBE_WINDOW 8
#define NAME_MAX_LEN 160
#define ESTABLISHED_MINUTES 5
#define DROP_REPORTS_MAX 15  /* a route silent for good is not reported forever */

typedef struct slot {
    int64_t epoch;
    uint32_t requests, server_errors, slow, auth_failures;
    uint64_t auth_clients;   /* bitmap of client hashes */
} slot;

/* A decayed log-scale histogram and its cached median and MAD (in bucket units). */
typedef struct hist {
    float total, since_cached;
    float median, mad, p999;
} hist;

typedef struct route_entry {
    uint64_t hash;           /* 0: free */
    char name[NAME_MAX_LEN];
    int64_t last_us, drop_reported_us;
    int drop_reports;
    hist lat, resp, req;
    float lat_b[LAT_BUCKETS], resp_b[SIZE_BUCKETS], req_b[SIZE_BUCKETS];
    float requests, server_errors;
    int64_t minute, minute_count, active_minutes;
    double rate_per_minute;
    slot slots[SLOTS];
} route_entry;

struct sf_route_table {
    uint32_t capacity;
    route_entry *routes;
    uint64_t evictions;      /* routes forgotten to make room */
    route_entry site;        /* every route together: the prior of a route without a baseline */
};


sf_route_table *sf_route_table_new(uint32_t capacity)
{
    sf_route_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->routes = sf_slots_alloc(capacity, 16, (1u << 20), sizeof *t->routes, &t->capacity);
    if (!t->routes) {
        free(t);
        return NULL;
    }
    return t;
}

uint64_t sf_route_table_evictions(const sf_route_table *t) { return t->evictions; }

void sf_route_table_free(sf_route_table *t)
{
    if (t) {
        free(t->routes);
        free(t);
    }
}

static route_entry *find_or_claim(sf_route_table *t, const char *method, const char *route)
{
    uint64_t h = sf_text_hash_from(route, sf_text_hash(method) ^ ' ');
    h = h ? h : 1;
    route_entry *victim = NULL;
    for (uint32_t i = 0; i < PROBE_WINDOW; i++) {
        route_entry *e = &t->routes[(h + i) & (t->capacity - 1)];
        if (e->hash == h)
            return e;
        if (!victim || e->hash == 0 || (victim->hash && e->last_us < victim->last_us))
            victim = e;
        if (e->hash == 0)
            break;
    }
    t->evictions += victim->hash != 0;
    memset(victim, 0, sizeof *victim);
    victim->hash = h;
    snprintf(victim->name, sizeof victim->name, "%s %s", method, route);
    return victim;
}

/* ---- histograms ---- */

static double to_position(double value, double per_doubling)
{
    return log2(1.0 + (value > 0 ? value : 0)) * per_doubling;
}

static double to_value(double position, double per_doubling)
{
    return exp2(position / per_doubling) - 1.0;
}

static void hist_add(hist *h, float *b, int n, double position, float weight)
{
    int i = (int)position;
    b[i < 0 ? 0 : i >= n ? n - 1 : i] += weight;
    h->total += weight;
    h->since_cached += weight;
    if (h->total >= HALVE_AT) {
        for (int k = 0; k < n; k++)
            b[k] *= 0.5f;
        h->total *= 0.5f;
    }
}

typedef struct deviation {
    float d, w;
} deviation;

static int by_deviation(const void *a, const void *b)
{
    float x = ((const deviation *)a)->d, y = ((const deviation *)b)->d;
    return (x > y) - (x < y);
}

/* Median (interpolated in its bucket) and MAD of the histogram, cached until it has
 * grown by a sixteenth. */
static void hist_refresh(hist *h, const float *b, int n)
{
    if (h->since_cached < 8.0f && h->since_cached * 16.0f < h->total)
        return;
    h->since_cached = 0;
    float half = h->total / 2, cum = 0;
    int i = 0;
    while (i < n - 1 && cum + b[i] < half)
        cum += b[i++];
    h->median = (float)i + (b[i] > 0 ? (half - cum) / b[i] : 0.5f);
    float tail = h->total * 0.001f;
    int top = n - 1;
    for (cum = 0; top > 0 && cum + b[top] < tail; top--)
        cum += b[top];
    h->p999 = (float)top + 1.0f; /* the upper edge of that bucket */
    deviation dev[LAT_BUCKETS];
    int m = 0;
    for (int k = 0; k < n; k++)
        if (b[k] > 0)
            dev[m++] = (deviation){fabsf((float)k + 0.5f - h->median), b[k]};
    qsort(dev, (size_t)m, sizeof *dev, by_deviation);
    cum = 0;
    h->mad = 0;
    for (int k = 0; k < m; k++) {
        cum += dev[k].w;
        if (cum >= half) {
            h->mad = dev[k].d;
            break;
        }
    }
}

/* Judges value against the histogram (before learning it). */
static void judge(hist *h, const float *b, int n, double per_doubling, double value,
                  double min_excess, const sf_detect_config *cfg, bool warm,
                  sf_baseline_value *out)
{
    memset(out, 0, sizeof *out);
    if (!warm || h->total < (float)cfg->baseline_min_requests)
        return;
    hist_refresh(h, b, n);
    double spread = MAD_SCALE * fmax(h->mad, MAD_FLOOR_DOUBLINGS * per_doubling);
    out->median = to_value(h->median, per_doubling);
    out->upper = fmax(fmax(to_value(h->median + cfg->baseline_mads * spread, per_doubling),
                           cfg->baseline_min_ratio * out->median),
                      out->median + min_excess);
    out->z = (to_position(value, per_doubling) - h->median) / spread;
    out->p999 = to_value(h->p999, per_doubling);
    out->judged = true;
}

/* ---- slots and rate ---- */

static slot *current_slot(route_entry *e, int64_t ts_us)
{
    int64_t epoch = ts_us / SLOT_US;
    slot *s = &e->slots[((epoch % SLOTS) + SLOTS) % SLOTS];
    if (s->epoch != epoch) {
        memset(s, 0, sizeof *s);
        s->epoch = epoch;
    }
    return s;
}

/* Sums the slots of the window ending at the slot of ts_us. */
static slot window_sum(const route_entry *e, int64_t ts_us, int64_t window_us)
{
    int64_t epoch = ts_us / SLOT_US, span = window_us / SLOT_US;
    span = span < 1 ? 1 : span > SLOTS ? SLOTS : span;
    slot sum = {0};
    for (int i = 0; i < SLOTS; i++) {
        const slot *s = &e->slots[i];
        if (s->epoch > epoch - span && s->epoch <= epoch) {
            sum.requests += s->requests;
            sum.server_errors += s->server_errors;
            sum.slow += s->slow;
            sum.auth_failures += s->auth_failures;
            sum.auth_clients |= s->auth_clients;
        }
    }
    return sum;
}

/* The usual requests per minute: an average over the route's active minutes, empty
 * minutes in between counted as such (up to half an hour of them). */
static void count_minute(route_entry *e, int64_t ts_us)
{
    int64_t minute = ts_us / 60000000LL;
    if (minute == e->minute) {
        e->minute_count++;
        return;
    }
    if (minute < e->minute)
        return; /* late record of an earlier minute */
    if (e->minute) {
        e->rate_per_minute = e->active_minutes ? 0.7 * e->rate_per_minute + 0.3 * (double)e->minute_count
                                               : (double)e->minute_count;
        for (int64_t gap = minute - e->minute - 1; gap > 0 && gap <= 30; gap--)
            e->rate_per_minute *= 0.7;
        e->active_minutes++;
    }
    e->minute = minute;
    e->minute_count = 1;
}

static double estimate_distinct(uint64_t bitmap)
{
    int ones = __builtin_popcountll(bitmap);
    return ones >= 64 ? 64 * log(64) : -64 * log((64.0 - ones) / 64.0);
}

/* A value far out for the baseline is learned with a tenth of the weight: a regression
 * under way does not widen the MAD that judges it, yet a lasting change becomes the
 * route's normal after about ten times as many requests as it had. */
static float learn_weight(const sf_baseline_value *b, const sf_detect_config *cfg, bool route)
{
    return route && b->judged && b->z > cfg->baseline_mads / 2 ? 0.1f : 1.0f;
}

/* Judges rec's latency and sizes against e's histograms (sizes of 200 answers only: a
 * redirect, a 404 page or a partial answer says nothing about the route's content), then
 * learns them (the site as a whole at full weight: it is a prior of what occurs at all). */
static void judge_and_learn(route_entry *e, const sf_detect_config *cfg, const sf_record *rec,
                            bool route, sf_baseline_value *latency, sf_baseline_value *response,
                            sf_baseline_value *request)
{
    bool warm = e->requests >= (float)cfg->baseline_min_requests;
    judge(&e->lat, e->lat_b, LAT_BUCKETS, LAT_PER_DOUBLING, rec->response_time_ms,
          cfg->latency_min_excess_ms, cfg, warm, latency);
    bool ok = rec->status_code == 200;
    int64_t resp = rec->response_size_bytes != SF_ABSENT ? rec->response_size_bytes : rec->resp_body_bytes;
    int64_t req = rec->request_size_bytes != SF_ABSENT ? rec->request_size_bytes : rec->req_body_bytes;
    if (ok && resp != SF_ABSENT)
        judge(&e->resp, e->resp_b, SIZE_BUCKETS, SIZE_PER_DOUBLING, (double)resp,
              (double)cfg->size_min_excess, cfg, warm, response);
    if (req != SF_ABSENT)
        judge(&e->req, e->req_b, SIZE_BUCKETS, SIZE_PER_DOUBLING, (double)req,
              (double)cfg->size_min_excess, cfg, warm, request);
    hist_add(&e->lat, e->lat_b, LAT_BUCKETS, to_position(rec->response_time_ms, LAT_PER_DOUBLING),
             learn_weight(latency, cfg, route));
    if (ok && resp != SF_ABSENT)
        hist_add(&e->resp, e->resp_b, SIZE_BUCKETS, to_position((double)resp, SIZE_PER_DOUBLING),
                 learn_weight(response, cfg, route));
    if (req != SF_ABSENT)
        hist_add(&e->req, e->req_b, SIZE_BUCKETS, to_position((double)req, SIZE_PER_DOUBLING),
                 learn_weight(request, cfg, route));
    e->requests += 1.0f;
    e->server_errors += rec->status_code >= 500;
    if (e->requests >= HALVE_AT) {
        e->requests *= 0.5f;
        e->server_errors *= 0.5f;
    }
}

void sf_route_observe(sf_route_table *t, const sf_detect_config *cfg, const char *method,
                      const char *route, const sf_record *rec, int64_t ts_us,
                      bool auth_failure, const char *client, sf_route_view *out)
{
    route_entry *e = find_or_claim(t, method, route);
    memset(out, 0, sizeof *out);
    out->requests = e->requests;
    out->warm = e->requests >= (float)cfg->baseline_min_requests;
    out->server_error_share = e->requests > 0 ? e->server_errors / e->requests : 0;
    out->site_server_error_share = t->site.requests > 0 ? t->site.server_errors / t->site.requests : 0;
    judge_and_learn(e, cfg, rec, true, &out->latency, &out->response_size, &out->request_size);
    judge_and_learn(&t->site, cfg, rec, false, &out->site_latency, &out->site_response_size,
                    &out->site_request_size);
    if (ts_us > e->last_us) {
        e->last_us = ts_us;
        e->drop_reports = 0;
    }
    count_minute(e, ts_us);
    slot *s = current_slot(e, ts_us);
    s->requests++;
    s->server_errors += rec->status_code >= 500;
    s->slow += out->latency.judged && out->latency.z > cfg->baseline_mads / 2 &&
               rec->response_time_ms >= 2 * out->latency.median &&
               rec->response_time_ms - out->latency.median >= cfg->latency_min_excess_ms;
    if (auth_failure) {
        s->auth_failures++;
        s->auth_clients |= 1ULL << (sf_text_hash(client ? client : "") % 64);
    }
    /* the route window, or the minute when it says more (a route with few requests) */
    slot w = window_sum(e, ts_us, cfg->route_window_ms * 1000);
    slot m = window_sum(e, ts_us, 60000000LL);
    if (w.requests < (uint32_t)cfg->regression_min && m.requests > w.requests) {
        w = m;
        out->window_ms = 60000;
    } else {
        out->window_ms = cfg->route_window_ms;
    }
    out->window_requests = w.requests;
    out->window_server_errors = w.server_errors;
    out->window_slow = w.slow;
    slot minute = window_sum(e, ts_us, 60000000LL);
    out->auth_failures = minute.auth_failures;
    out->auth_clients = estimate_distinct(minute.auth_clients);
}

size_t sf_route_sweep(sf_route_table *t, const sf_detect_config *cfg, int64_t now_us,
                      sf_route_drop *drops, size_t max)
{
    size_t n = 0;
    int64_t window_us = cfg->drop_window_ms * 1000;
    for (uint32_t i = 0; i < t->capacity && n < max; i++) {
        route_entry *e = &t->routes[i];
        if (!e->hash || e->active_minutes < ESTABLISHED_MINUTES || e->drop_reports >= DROP_REPORTS_MAX ||
            now_us - e->drop_reported_us < window_us)
            continue;
        double expected = e->rate_per_minute * (double)window_us / 60e6;
        if (expected < (double)cfg->drop_min_expected)
            continue;
        double observed = e->last_us <= now_us - window_us ? 0
                          : (double)window_sum(e, now_us, window_us).requests;
        if (observed >= cfg->drop_ratio * expected)
            continue;
        e->drop_reported_us = now_us;
        e->drop_reports++;
        snprintf(drops[n].route, sizeof drops[n].route, "%s", e->name);
        drops[n].expected = expected;
        drops[n++].observed = observed;
    }
    return n;
}
