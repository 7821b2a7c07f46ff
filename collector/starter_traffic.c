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

/* Sizes include headers, as a sensor reports them; latencies vary widely, as they do
 * between a cache hit and a cold query. */
static const endpoint_profile profiles[] = {
    {"GET", "/api/products", "page=%d&limit=20", 12, 0.9, 180, 4200, 14},
    {"GET", "/api/products", "category=shoes&sort=price&page=%d", 15, 0.9, 200, 3900, 4},
    {"GET", "/api/products/%d", NULL, 6, 0.9, 160, 900, 25},
    {"HEAD", "/api/products/%d", NULL, 3, 0.8, 160, 200, 2},
    {"GET", "/api/search", "q=shoes&page=%d", 25, 0.9, 190, 3800, 6},
    {"GET", "/api/search", "q=red%%20running%%20shoes&limit=%d", 30, 0.9, 210, 3600, 4},
    {"GET", "/api/users/%d", NULL, 5, 0.8, 170, 450, 10},
    {"PUT", "/api/users/%d", NULL, 15, 0.8, 450, 450, 3},
    {"DELETE", "/api/users/%d", NULL, 12, 0.8, 170, 150, 1},
    {"GET", "/api/orders", "page=%d", 15, 0.9, 170, 2600, 8},
    {"GET", "/api/orders/%d", NULL, 9, 0.9, 170, 1100, 6},
    {"POST", "/api/orders", NULL, 40, 0.8, 900, 600, 5},
    {"POST", "/api/auth/login", NULL, 45, 0.6, 260, 350, 5},
    {"POST", "/api/auth/logout", NULL, 4, 0.6, 180, 120, 2},
    {"GET", "/api/cart", NULL, 8, 0.9, 170, 700, 6},
    {"GET", "/api/health", NULL, 0.5, 0.8, 120, 160, 3},
};
#define PROFILE_COUNT (sizeof profiles / sizeof profiles[0])

static const char *const agents[] = {
    "curl/8.4.0",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "okhttp/4.12.0",
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
        return r < 0.96 ? 201 : 400;
    if (strstr(p->path, "login"))
        return r < 0.93 ? 200 : 401; /* people mistype passwords */
    if (strstr(p->path, "%d"))
        return r < 0.95 ? 200 : (r < 0.98 ? 304 : 404);
    if (strcmp(p->method, "DELETE") == 0)
        return 204;
    return r < 0.99 ? 200 : 400;
}

static void fill_one(sf_ingest_item *it, const endpoint_profile *p, uint64_t *s, int64_t ts_us,
                     int client)
{
    char path[128], query[128], endpoint[260], ip[32];
    snprintf(path, sizeof path, p->path, 1 + (int)(uniform(s) * 5000));
    if (p->query)
        snprintf(query, sizeof query, p->query, 1 + (int)(uniform(s) * 60));
    snprintf(endpoint, sizeof endpoint, "%s%s%s", path, p->query ? "?" : "", p->query ? query : "");
    snprintf(ip, sizeof ip, "10.%d.%d.%d", 1 + client / 65536 % 200, client / 256 % 256, client % 256);
    sf_record *r = &it->rec;
    sf_record_init(r);
    sf_record_set_text(&r->endpoint, endpoint, strlen(endpoint));
    snprintf(r->method, sizeof r->method, "%s", p->method);
    r->status_code = pick_status(p, s);
    r->response_time_ms = p->median_ms * exp(p->spread * normal(s));
    r->request_size_bytes = (int64_t)(p->req_bytes * (0.5 + uniform(s)));
    r->response_size_bytes = r->status_code == 304 ? 0 : (int64_t)(p->resp_bytes * (0.5 + uniform(s)));
    sf_record_set_text(&r->ip_address, ip, strlen(ip));
    const char *ua = agents[client % (sizeof agents / sizeof agents[0])];
    sf_record_set_text(&r->user_agent, ua, strlen(ua));
    r->timestamp_us = ts_us;
    sf_ingest_item_prepare(it, ts_us);
}

/* Most records come from many light clients spread over the day; a third come in
 * sessions of busy clients (integrations, offices behind one address) at up to a few
 * requests a second, so that per-client rates seen in real traffic are not all new. */
void sf_starter_traffic(sf_ingest_item *items, size_t n, uint64_t seed, int64_t end_us)
{
    uint64_t s = seed;
    int clients = (int)(n / 50) + 1;
    const int64_t day_us = 86400LL * 1000000;
    size_t light = n - n / 3, i = 0;
    for (; i < light; i++) {
        int64_t ts = end_us - day_us + (int64_t)((double)i / (double)light * (double)day_us) +
                     (int64_t)(uniform(&s) * 1e6);
        fill_one(&items[i], pick_profile(&s), &s, ts, (int)(uniform(&s) * clients));
    }
    while (i < n) {
        int client = clients + (int)(uniform(&s) * 8); /* eight busy clients */
        int64_t ts = end_us - day_us + (int64_t)(uniform(&s) * (double)(day_us - 600000000LL));
        double gap_s = 0.2 + uniform(&s) * 1.5; /* this session's pace */
        for (int k = 0; k < 300 && i < n; k++, i++) {
            ts += (int64_t)(gap_s * (0.5 + uniform(&s)) * 1e6);
            fill_one(&items[i], pick_profile(&s), &s, ts, client);
        }
    }
}
