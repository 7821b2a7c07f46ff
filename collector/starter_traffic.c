/* Starter traffic (see starter_traffic.h): per-endpoint methods, latencies (log-normal
 * around a typical value), sizes and statuses of a small, healthy shop API. */
#include "collector/starter_traffic.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "collector/ingest_decode.h"

typedef struct endpoint_profile {
    const char *method;
    const char *path;          /* "%d" is replaced by an id */
    const char *query;         /* NULL or a query ("%d" replaced by a number) */
    double median_ms, spread;  /* log-normal: median and sigma */
    int req_bytes, resp_bytes;
    int weight;
} endpoint_profile;

static const endpoint_profile profiles[] = {
    {"GET", "/api/products", "page=%d&limit=20", 25, 0.4, 0, 4200, 20},
    {"GET", "/api/products/%d", NULL, 12, 0.35, 0, 900, 25},
    {"GET", "/api/search", "q=shoes&page=%d", 60, 0.5, 0, 3800, 10},
    {"GET", "/api/users/%d", NULL, 10, 0.3, 0, 450, 10},
    {"PUT", "/api/users/%d", NULL, 30, 0.35, 300, 450, 3},
    {"GET", "/api/orders", "page=%d", 35, 0.4, 0, 2600, 8},
    {"GET", "/api/orders/%d", NULL, 18, 0.35, 0, 1100, 6},
    {"POST", "/api/orders", NULL, 120, 0.45, 800, 600, 5},
    {"POST", "/api/auth/login", NULL, 90, 0.3, 120, 350, 5},
    {"POST", "/api/auth/logout", NULL, 8, 0.3, 0, 40, 2},
    {"GET", "/api/cart", NULL, 15, 0.35, 0, 700, 6},
};
#define PROFILE_COUNT (sizeof profiles / sizeof profiles[0])

static const char *const agents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "shop-app/3.2 (Android 14)",
};

static uint64_t next_random(uint64_t *s)
{
    /* splitmix64: small, fast, good enough for synthetic data */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s) { return (double)(next_random(s) >> 11) / 9007199254740992.0; }

static double normal(uint64_t *s)
{
    double u1 = uniform(s), u2 = uniform(s);
    return sqrt(-2.0 * log(u1 + 1e-300)) * cos(6.283185307179586 * u2);
}

static const endpoint_profile *pick_profile(uint64_t *s)
{
    int total = 0;
    for (size_t i = 0; i < PROFILE_COUNT; i++)
        total += profiles[i].weight;
    int r = (int)(uniform(s) * total);
    for (size_t i = 0; i < PROFILE_COUNT; i++) {
        if (r < profiles[i].weight)
            return &profiles[i];
        r -= profiles[i].weight;
    }
    return &profiles[0];
}

static int pick_status(const endpoint_profile *p, uint64_t *s)
{
    double r = uniform(s);
    if (strcmp(p->method, "POST") == 0 && strstr(p->path, "orders"))
        return r < 0.97 ? 201 : 400;
    if (strstr(p->path, "login"))
        return r < 0.93 ? 200 : 401; /* people mistype passwords */
    if (strstr(p->path, "%d"))
        return r < 0.97 ? 200 : (r < 0.99 ? 304 : 404);
    return 200;
}

static void fill_one(sf_ingest_item *it, const endpoint_profile *p, uint64_t *s, int64_t ts_us,
                     int client)
{
    char path[128], query[128], endpoint[260], ip[32];
    snprintf(path, sizeof path, p->path, 1 + (int)(uniform(s) * 5000));
    if (p->query)
        snprintf(query, sizeof query, p->query, 1 + (int)(uniform(s) * 10));
    snprintf(endpoint, sizeof endpoint, "%s%s%s", path, p->query ? "?" : "", p->query ? query : "");
    snprintf(ip, sizeof ip, "10.%d.%d.%d", 1 + client / 65536 % 200, client / 256 % 256, client % 256);
    sf_record *r = &it->rec;
    sf_record_init(r);
    sf_record_set_text(&r->endpoint, endpoint, strlen(endpoint));
    snprintf(r->method, sizeof r->method, "%s", p->method);
    r->status_code = pick_status(p, s);
    r->response_time_ms = p->median_ms * exp(p->spread * normal(s));
    r->request_size_bytes = p->req_bytes ? (int64_t)(p->req_bytes * (0.6 + 0.8 * uniform(s))) : 0;
    r->response_size_bytes = r->status_code == 304 ? 0 : (int64_t)(p->resp_bytes * (0.5 + uniform(s)));
    sf_record_set_text(&r->ip_address, ip, strlen(ip));
    const char *ua = agents[client % 4];
    sf_record_set_text(&r->user_agent, ua, strlen(ua));
    r->timestamp_us = ts_us;
    sf_ingest_item_prepare(it, ts_us);
}

void sf_starter_traffic(sf_ingest_item *items, size_t n, uint64_t seed, int64_t end_us)
{
    uint64_t s = seed;
    int clients = (int)(n / 50) + 1;
    const int64_t day_us = 86400LL * 1000000;
    for (size_t i = 0; i < n; i++) {
        /* Evenly spread with jitter, so per-client rates look like a day of real use. */
        int64_t ts = end_us - day_us + (int64_t)((double)i / (double)n * (double)day_us) +
                     (int64_t)(uniform(&s) * 1e6);
        int client = (int)(uniform(&s) * clients);
        fill_one(&items[i], pick_profile(&s), &s, ts, client);
    }
}
