/* The request mix (see request_mix.h). Normal traffic is what a shop front end does:
 * browse products, look at users and orders, search, log in, place and cancel orders. */
#include "request_mix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shop_api.h"
#include "shop_pages.h"
#include "tg_names.h"
#include "tg_random.h"

static const char *const anomaly_names[TG_ANOM_COUNT] = {
    "latency", "5xx", "scan", "bruteforce", "flood", "oversized", "injection"};

const char *tg_anomaly_name(unsigned bit)
{
    for (unsigned i = 0; i < TG_ANOM_COUNT; i++)
        if (bit == 1u << i)
            return anomaly_names[i];
    return "unknown";
}

int tg_anomalies_parse(const char *list, unsigned *mask)
{
    return tg_parse_names(list, anomaly_names, TG_ANOM_COUNT, mask);
}

void tg_mix_init(tg_mix *m, uint64_t seed, unsigned anomalies, double anomaly_rate)
{
    memset(m, 0, sizeof *m);
    m->rng = seed ? seed : 1;
    m->anomalies = anomalies;
    m->anomaly_rate = anomaly_rate;
}

void tg_request_free(tg_request *r)
{
    free(r->body);
    r->body = NULL;
}

static void set_body(tg_request *r, const char *text)
{
    r->body = strdup(text);
    r->body_len = strlen(text);
}

static void target(tg_request *r, const char *fmt, long a)
{
    snprintf(r->target, sizeof r->target, fmt, a);
}

static void normal_order(tg_mix *m, tg_request *r)
{
    char body[256];
    r->method = "POST";
    target(r, "/api/orders", 0);
    snprintf(body, sizeof body, "{\"product_id\":%ld,\"quantity\":%ld,\"note\":\"%.*s\"}",
             (long)tg_range(&m->rng, 1, 500), (long)tg_range(&m->rng, 1, 5),
             (int)tg_range(&m->rng, 0, 120),
             "please leave at the door, ring twice, the dog is friendly but loud; "
             "thank you very much and have a nice day, see you next week again");
    set_body(r, body);
    r->chunked = tg_uniform(&m->rng) < 0.25; /* some clients stream their bodies */
}

static void normal(tg_mix *m, tg_request *r)
{
    static const char *const words[] = {"kettle", "blue+mug", "grinder", "tea", "scale", "zzz"};
    double x = tg_uniform(&m->rng);
    r->method = "GET";
    if (x < 0.25)
        target(r, "/api/products/%ld", (long)tg_range(&m->rng, 1, 520)); /* a few 404s */
    else if (x < 0.37)
        target(r, "/api/products?page=%ld", (long)tg_range(&m->rng, 1, 12));
    else if (x < 0.47)
        target(r, "/api/users/%ld", (long)tg_range(&m->rng, 1, 1000));
    else if (x < 0.57)
        snprintf(r->target, sizeof r->target, "/api/search?q=%s&limit=20",
                 words[tg_range(&m->rng, 0, 5)]);
    else if (x < 0.67)
        target(r, "/api/orders", 0);
    else if (x < 0.77)
        normal_order(m, r);
    else if (x < 0.82) {
        r->method = "POST";
        target(r, "/api/auth/login", 0);
        set_body(r, "{\"username\":\"" SHOP_USER "\",\"password\":\"" SHOP_PASSWORD "\"}");
    } else if (x < 0.87) {
        r->method = "PUT";
        target(r, "/api/users/%ld", (long)tg_range(&m->rng, 1, 1000));
        set_body(r, "{\"email\":\"someone@example.com\"}");
    } else if (x < 0.90) {
        r->method = "DELETE";
        target(r, "/api/orders/%ld", (long)tg_range(&m->rng, 1000, 99999));
    } else if (x < 0.93) {
        r->method = "HEAD";
        target(r, "/api/products/%ld", (long)tg_range(&m->rng, 1, 500));
    } else if (x < 0.96) {
        target(r, "/api/orders/%ld", (long)tg_range(&m->rng, 1000, 99999));
    } else {
        target(r, "/api/health", 0);
    }
}

static void scan(tg_mix *m, tg_request *r)
{
    static const char *const paths[] = {
        "/admin", "/.env", "/wp-login.php", "/phpmyadmin/", "/.git/config", "/server-status",
        "/api/v1/users", "/api/internal/debug", "/api/admin/users", "/backup.zip",
        "/config.json", "/api/users/export", "/actuator/health", "/api/swagger.json", "/console"};
    r->method = "GET";
    snprintf(r->target, sizeof r->target, "%s", paths[m->burst_index % 15]);
}

static void injection(tg_mix *m, tg_request *r)
{
    static const char *const payloads[] = {
        "%27%20OR%20%271%27%3D%271", "1%3B%20DROP%20TABLE%20users--",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "%24%7Bjndi%3Aldap%3A%2F%2Fx.example%2Fa%7D", "admin%27--", "1%20UNION%20SELECT%20password%20FROM%20users"};
    r->method = "GET";
    snprintf(r->target, sizeof r->target, tg_uniform(&m->rng) < 0.5 ? "/api/search?q=%s"
                                                                     : "/api/products?id=%s",
             payloads[tg_range(&m->rng, 0, 6)]);
}

static void oversized(tg_mix *m, tg_request *r)
{
    size_t n = (size_t)tg_range(&m->rng, 1 << 20, 6 << 20);
    r->method = "POST";
    target(r, "/api/orders", 0);
    r->body = malloc(n);
    memset(r->body, 'x', n);
    memcpy(r->body, "{\"blob\":\"", 9);
    memcpy(r->body + n - 2, "\"}", 2);
    r->body_len = n;
}

static int burst_length(unsigned kind)
{
    switch (kind) {
    case TG_ANOM_5XX: return 15;
    case TG_ANOM_SCAN: return 15;
    case TG_ANOM_BRUTEFORCE: return 20;
    case TG_ANOM_FLOOD: return 60;
    case TG_ANOM_LATENCY: return 3;
    default: return 1;
    }
}

static void anomaly(tg_mix *m, unsigned kind, tg_request *r)
{
    char body[128];
    r->method = "GET";
    switch (kind) {
    case TG_ANOM_LATENCY:
        target(r, "/api/orders?delay_ms=%ld", (long)tg_range(&m->rng, 1500, 3000));
        break;
    case TG_ANOM_5XX:
        target(r, "/api/orders", 0);
        snprintf(r->headers, sizeof r->headers, "X-Demo-Status: %d\r\n",
                 (int[]){500, 502, 503}[tg_range(&m->rng, 0, 2)]);
        break;
    case TG_ANOM_SCAN: scan(m, r); break;
    case TG_ANOM_BRUTEFORCE:
        r->method = "POST";
        target(r, "/api/auth/login", 0);
        snprintf(body, sizeof body, "{\"username\":\"admin\",\"password\":\"guess%d\"}", m->burst_index);
        set_body(r, body);
        break;
    case TG_ANOM_FLOOD:
        target(r, "/api/products/%ld", 7);
        r->unpaced = true;
        break;
    case TG_ANOM_OVERSIZED: oversized(m, r); break;
    default: injection(m, r); break;
    }
}

/* Picks one enabled kind at random. */
static unsigned pick_kind(tg_mix *m)
{
    unsigned kinds[TG_ANOM_COUNT] = {0}, n = 0;
    for (unsigned i = 0; i < TG_ANOM_COUNT; i++)
        if (m->anomalies & (1u << i))
            kinds[n++] = 1u << i;
    return n ? kinds[tg_range(&m->rng, 0, (int64_t)n - 1)] : 0;
}

void tg_mix_next(tg_mix *m, tg_request *r)
{
    memset(r, 0, sizeof *r);
    if (m->burst_left == 0 && m->anomalies && tg_uniform(&m->rng) < m->anomaly_rate) {
        m->burst_kind = pick_kind(m);
        m->burst_left = m->burst_kind ? burst_length(m->burst_kind) : 0;
        m->burst_index = 0;
    }
    if (m->burst_left > 0) {
        anomaly(m, m->burst_kind, r);
        r->anomaly = tg_anomaly_name(m->burst_kind);
        m->burst_left--;
        m->burst_index++;
        return;
    }
    normal(m, r);
}

static const char *const browsers[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"};

const char *tg_browser_for(uint32_t n) { return browsers[n % (sizeof browsers / sizeof *browsers)]; }

static tg_request *next_slot(tg_request *reqs, int *k, const char *ua)
{
    tg_request *r = &reqs[(*k)++];
    memset(r, 0, sizeof *r);
    r->method = "GET";
    r->user_agent = ua;
    return r;
}

int tg_mix_visit(tg_mix *m, tg_request *reqs, int max, const char *ua)
{
    int k = 0;
    (void)max; /* a visit is at most 1 + 7 + 12 + 3 = 23 requests */
    if (tg_uniform(&m->rng) < 0.25) { /* the mobile app: one API call */
        tg_mix_next(m, next_slot(reqs, &k, ua));
        reqs[0].user_agent = reqs[0].anomaly ? NULL : "ShopApp/3.2 (Android 14; okhttp/4.12)";
        return k;
    }
    double x = tg_uniform(&m->rng);
    long product = (long)tg_range(&m->rng, 1, 500);
    bool home = x < 0.4, cart = x >= 0.9, returning = tg_uniform(&m->rng) < 0.6;
    tg_request *r = next_slot(reqs, &k, ua);
    if (home)
        target(r, "/", 0);
    else if (cart)
        target(r, "/cart", 0);
    else
        target(r, "/products/%ld", product);
    for (int i = 0; i < shop_page_asset_count; i++) {
        r = next_slot(reqs, &k, ua);
        snprintf(r->target, sizeof r->target, "%s", shop_page_assets[i]);
        if (returning)
            snprintf(r->headers, sizeof r->headers, "If-None-Match: \"v1\"\r\n");
    }
    int images = home ? (int)tg_range(&m->rng, 6, 12) : cart ? 2 : (int)tg_range(&m->rng, 2, 4);
    for (int i = 0; i < images; i++) {
        r = next_slot(reqs, &k, ua);
        target(r, "/static/img/p/%ld.jpg", home ? (long)tg_range(&m->rng, 1, 500) : product + i);
        if (returning && tg_uniform(&m->rng) < 0.5)
            snprintf(r->headers, sizeof r->headers, "If-None-Match: \"v1\"\r\n");
    }
    /* The page's script: the catalogue widget (the busy route), then what the page shows. */
    r = next_slot(reqs, &k, ua);
    snprintf(r->target, sizeof r->target, TG_BUSY_ROUTE "page=%ld&limit=12",
             home ? (long)tg_range(&m->rng, 1, 3) : 1L);
    r = next_slot(reqs, &k, ua);
    if (cart)
        target(r, "/api/orders", 0);
    else if (home && tg_uniform(&m->rng) < 0.5)
        snprintf(r->target, sizeof r->target, "/api/search?q=%s&limit=20",
                 (const char *[]){"kettle", "teapot", "mug", "grinder"}[tg_range(&m->rng, 0, 3)]);
    else
        target(r, "/api/products/%ld", product);
    if (cart && tg_uniform(&m->rng) < 0.5) /* checkout */
        normal_order(m, next_slot(reqs, &k, ua));
    return k;
}
