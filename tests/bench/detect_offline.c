/* Offline detection check: the collector's detection engine (collector/detect.h) run
 * in-process, without a database, over a real access log in time order, with planted
 * attacks; the model is retrained at the same milestones as the collector's (1,000,
 * 2,000, 4,000 ... records, flagged records left out as the collector leaves them out).
 * For tuning and for unit-level regressions of the detectors; the end-to-end figures come
 * from tests/bench/detection_report.sh, which goes through a real collector.
 *
 *   securaflow-detect-offline LOG.gz [--warmup N] [--no-attacks]
 *
 * The log has no durations: each route gets a made-up median latency (20-300 ms, from a
 * hash of its name) and every request a log-normal spread around it (sigma 0.5). Prints
 * the share of measured records flagged, by type and by route, then for each planted
 * attack: detected or not, type, after how many of its requests and seconds, and how many
 * incidents it opened. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "collector/detect.h"
#include "collector/ingest_decode.h"
#include "model/model.h"

extern const unsigned char sf_starter_model[];
extern const size_t sf_starter_model_len;

#define MAX_RECORDS 200000
#define BATCH 50

typedef struct rec_line {
    int64_t ts_us;
    char ip[48], method[16], endpoint[1024], ua[512];
    int status;
    int64_t bytes;
    int attack; /* 0 real, else the planted attack's number */
} rec_line;

static rec_line *lines;
static size_t nlines;

static uint64_t rng_state = 88172645463325252ULL;
static double uniform(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}
static double normal(void)
{
    double u = uniform() + 1e-12, v = uniform();
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static int64_t parse_time(const char *s)
{
    struct tm tm = {0};
    char mon[4];
    int tz;
    if (sscanf(s, "%d/%3s/%d:%d:%d:%d %d", &tm.tm_mday, mon, &tm.tm_year, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &tz) != 7)
        return -1;
    static const char *const months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *m = strstr(months, mon);
    tm.tm_mon = m ? (int)(m - months) / 3 : 0;
    tm.tm_year -= 1900;
    return (int64_t)timegm(&tm) * 1000000;
}

static void parse_line(char *l)
{
    if (nlines >= MAX_RECORDS)
        return;
    rec_line *r = &lines[nlines];
    memset(r, 0, sizeof *r);
    char *sp = strchr(l, ' '), *lb = strchr(l, '['), *q1 = strchr(l, '"');
    if (!sp || !lb || !q1)
        return;
    snprintf(r->ip, sizeof r->ip, "%.*s", (int)(sp - l), l);
    r->ts_us = parse_time(lb + 1);
    char *q2 = strchr(q1 + 1, '"');
    if (!q2 || r->ts_us < 0)
        return;
    *q2 = 0;
    char method[16], target[1024];
    if (sscanf(q1 + 1, "%15s %1023s", method, target) != 2)
        return;
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->endpoint, sizeof r->endpoint, "%s", target);
    char bytes[32];
    if (sscanf(q2 + 1, " %d %31s", &r->status, bytes) != 2)
        return;
    r->bytes = strcmp(bytes, "-") == 0 ? 0 : atoll(bytes);
    char *ua = q2 + 1;
    for (int k = 0; k < 3 && ua; k++)
        ua = strchr(ua + 1, '"');
    if (ua) {
        char *end = strchr(ua + 1, '"');
        if (end)
            snprintf(r->ua, sizeof r->ua, "%.*s", (int)(end - ua - 1), ua + 1);
    }
    nlines++;
}

static int by_ts(const void *a, const void *b)
{
    int64_t x = ((const rec_line *)a)->ts_us, y = ((const rec_line *)b)->ts_us;
    return (x > y) - (x < y);
}

static double route_median(const char *route)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *s = route; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return 20 + (double)(h % 281);
}

static rec_line *plant(int64_t ts, const char *ip, const char *method, const char *endpoint,
                       int status, int attack)
{
    rec_line *r = &lines[nlines++];
    memset(r, 0, sizeof *r);
    r->ts_us = ts;
    snprintf(r->ip, sizeof r->ip, "%s", ip);
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->endpoint, sizeof r->endpoint, "%s", endpoint);
    snprintf(r->ua, sizeof r->ua, "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0");
    r->status = status;
    r->bytes = 1200;
    r->attack = attack;
    return r;
}

static const char *const attack_names[] = {"", "endpoint_scan (40 paths, 5/s)",
    "request_flood (50 req/s, 20 s)", "brute_force (1 client, 4/s)",
    "brute_force distributed (30 addresses, 3/s)", "sql_injection (5 requests)",
    "error_rate_spike (5xx burst on /, 20 s)", "large_request (20 MB body)",
    "latency_regression (x20 on /, 60 s)"};
#define ATTACKS 8

/* Plants the attacks one hour apart, from the start of the measured part. */
static void plant_attacks(int64_t start)
{
    char path[128], ip[48];
    int64_t t = start;
    for (int i = 0; i < 40; i++) { /* scan */
        snprintf(path, sizeof path, "/%s%d.php", i % 2 ? "admin" : "backup", i);
        plant(t + i * 200000, "203.0.113.7", "GET", path, 404, 1);
    }
    t += 3600000000LL;
    for (int i = 0; i < 1000; i++) /* flood */
        plant(t + i * 20000, "203.0.113.8", "GET", "/", 200, 2);
    t += 3600000000LL;
    for (int i = 0; i < 40; i++) /* brute force */
        plant(t + i * 250000, "203.0.113.9", "POST", "/login", 401, 3);
    t += 3600000000LL;
    for (int i = 0; i < 90; i++) { /* distributed brute force */
        snprintf(ip, sizeof ip, "198.51.100.%d", 10 + i % 30);
        plant(t + i * 333333, ip, "POST", "/login", 401, 4);
    }
    t += 3600000000LL;
    static const char *const sqli[] = {"/?id=1%27%20OR%20%271%27=%271", "/search?q=1+union+select+password+from+users",
                                       "/?id=1;sleep(5)", "/item?id=1%27--", "/?q=%27%20or%201=1--"};
    for (int i = 0; i < 5; i++)
        plant(t + i * 1000000, "203.0.113.10", "GET", sqli[i], 200, 5);
    t += 3600000000LL;
    for (int i = 0; i < 100; i++) /* 5xx burst, among normal-looking traffic on / */
        plant(t + i * 200000, i % 3 ? "192.0.2.20" : "192.0.2.21", "GET", "/", i % 5 ? 503 : 200, 6);
    t += 3600000000LL;
    plant(t, "203.0.113.11", "POST", "/upload", 200, 7)->bytes = -20000000; /* marker: request */
    t += 3600000000LL;
    for (int i = 0; i < 600; i++) /* busy route, then x20 */
        plant(t + i * 100000, i % 7 == 0 ? "192.0.2.30" : "192.0.2.31", "GET", "/api/items", 200, i < 300 ? 0 : 8);
}

/* The type's rank (collector/detect_verdict.h), for "the strongest type seen". */
int sf_type_rank(const char *type);
static int sf_type_rank_of(const char *type) { return sf_type_rank(type); }

typedef struct attack_stat {
    int requests, flagged, first_flag_at;
    int64_t start_us, first_flag_us;
    const char *type;
    int incidents;
    char types[256];  /* the types of the incidents it opened, in order */
} attack_stat;

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: securaflow-detect-offline LOG.gz [--warmup N] [--no-attacks]\n");
        return 2;
    }
    size_t warmup = 2000;
    int attacks = 1;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
            warmup = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--no-attacks") == 0)
            attacks = 0;
    }
    lines = calloc(MAX_RECORDS + 4000, sizeof *lines);
    gzFile f = gzopen(argv[1], "rb");
    if (!f || !lines)
        return 1;
    char buf[8192];
    while (gzgets(f, buf, sizeof buf))
        parse_line(buf);
    gzclose(f);
    qsort(lines, nlines, sizeof *lines, by_ts);
    size_t real = nlines;
    if (attacks && warmup < real)
        plant_attacks(lines[warmup].ts_us + 600000000LL);
    qsort(lines, nlines, sizeof *lines, by_ts);

    sf_detectors d;
    sf_detectors_init(&d, NULL);
    char err[256];
    sf_iforest *starter = sf_model_load_buffer(sf_starter_model, sf_starter_model_len, err, sizeof err);
    sf_detectors_set_model(&d, starter, 1, false);

    sf_ingest_item *all = calloc(nlines, sizeof *all);
    size_t next_milestone = 1000, measured = 0, flagged = 0, incidents = 0;
    attack_stat st[ATTACKS + 1] = {0};
    typedef struct count { char name[200]; int n; } count;
    count *by_type = calloc(64, sizeof *by_type), *by_route = calloc(4096, sizeof *by_route);
    int ntypes = 0, nroutes = 0;
    for (size_t at = 0; at < nlines; at += BATCH) {
        size_t n = nlines - at < BATCH ? nlines - at : BATCH;
        sf_ingest_job job = {0};
        job.items = &all[at];
        job.count = n;
        for (size_t i = 0; i < n; i++) {
            rec_line *l = &lines[at + i];
            sf_ingest_item *it = &all[at + i];
            sf_record_init(&it->rec);
            sf_record_set_text(&it->rec.endpoint, l->endpoint, strlen(l->endpoint));
            sf_record_set_text(&it->rec.ip_address, l->ip, strlen(l->ip));
            sf_record_set_text(&it->rec.user_agent, l->ua, strlen(l->ua));
            snprintf(it->rec.method, sizeof it->rec.method, "%s", l->method);
            it->rec.status_code = l->status;
            it->rec.timestamp_us = l->ts_us;
            it->rec.response_size_bytes = l->bytes < 0 ? 300 : l->bytes;
            if (l->bytes < 0)
                it->rec.request_size_bytes = -l->bytes;
            sf_ingest_item_prepare(it, l->ts_us);
            double median = route_median(it->route) * (l->attack == 8 ? 20 : 1);
            it->rec.response_time_ms = median * exp(0.5 * normal());
        }
        sf_detect_job(&d, &job);
        for (size_t i = 0; i < n; i++) {
            rec_line *l = &lines[at + i];
            sf_ingest_item *it = &all[at + i];
            incidents += it->is_anomaly && it->incident_opened && !l->attack;
            if (l->attack) {
                attack_stat *a = &st[l->attack];
                if (getenv("SHOW_ATTACK") && atoi(getenv("SHOW_ATTACK")) == l->attack)
                    printf("  attack %d #%d %s %.0f ms %d: %s %s\n", l->attack, a->requests + 1,
                           it->rec.endpoint, it->rec.response_time_ms, it->rec.status_code,
                           it->anomaly_type, it->is_anomaly ? json_string_value(json_array_get(it->reasons, 0)) : "");
                if (!a->requests)
                    a->start_us = l->ts_us;
                a->requests++;
                if (it->is_anomaly) {
                    if (!a->flagged) {
                        a->first_flag_at = a->requests;
                        a->first_flag_us = l->ts_us;
                    }
                    a->flagged++;
                    if (!a->type || sf_type_rank_of(it->anomaly_type) > sf_type_rank_of(a->type))
                        a->type = it->anomaly_type;
                    if (it->incident_opened) {
                        a->incidents++;
                        size_t used = strlen(a->types);
                        snprintf(a->types + used, sizeof a->types - used, "%s%s", used ? "," : "", it->anomaly_type);
                    }
                }
                continue;
            }
            if (at + i < warmup + 0)
                continue;
            measured++;
            if (!it->is_anomaly)
                continue;
            flagged++;
            int k;
            for (k = 0; k < ntypes && strcmp(by_type[k].name, it->anomaly_type); k++)
                ;
            if (k == ntypes)
                snprintf(by_type[ntypes++].name, 200, "%s", it->anomaly_type);
            by_type[k].n++;
            char name[200];
            snprintf(name, sizeof name, "%s %s %s", it->anomaly_type, it->rec.method, it->route);
            for (k = 0; k < nroutes && strcmp(by_route[k].name, name); k++)
                ;
            if (k == nroutes && nroutes < 4095)
                snprintf(by_route[nroutes++].name, 200, "%s", name);
            by_route[k].n++;
            if (getenv("SHOW"))
                printf("  %s %d %s: %s\n", it->rec.endpoint, it->rec.status_code, it->anomaly_type,
                       json_string_value(json_array_get(it->reasons, 0)));
        }
        if (at + n >= next_milestone) { /* the collector's training milestones */
            size_t m = 0;
            sf_ingest_item *train = calloc(at + n, sizeof *train);
            for (size_t i = 0; i < at + n; i++)
                if (!all[i].is_anomaly || strcmp(all[i].anomaly_type, "pattern_anomaly") == 0)
                    train[m++] = all[i];
            sf_model_train_options opts;
            sf_model_train_options_default(&opts);
            opts.forest.seed = 7;
            opts.forest.range_extension = SF_HTTP_RANGE_EXTENSION;
            opts.contamination = getenv("CONTAMINATION") ? atof(getenv("CONTAMINATION")) : 0.002;
            sf_iforest *model = sf_train_from_items(train, m, getenv("FEATURES") ? getenv("FEATURES") : SF_SITE_MODEL_FEATURES, &opts, err, sizeof err);
            if (model)
                sf_detectors_set_model(&d, model, (int)next_milestone, true);
            fprintf(stderr, "trained at %zu records on %zu (%s)\n", at + n, m, model ? "ok" : err);
            free(train);
            while (next_milestone <= at + n)
                next_milestone *= 2;
        }
    }
    printf("real records measured (after %zu of warm-up): %zu, flagged %zu (%.2f %%), incidents opened %zu\n",
           warmup, measured, flagged, measured ? 100.0 * flagged / measured : 0, incidents);
    for (int k = 0; k < ntypes; k++)
        printf("  %-22s %d\n", by_type[k].name, by_type[k].n);
    for (int k = 0; k < nroutes; k++)
        if (by_route[k].n >= 3)
            printf("    %4d %s\n", by_route[k].n, by_route[k].name);
    for (int a = 1; attacks && a <= ATTACKS; a++)
        printf("attack %-48s %s type %-20s first flagged at request %d, %.1f s; %d of %d flagged; "
               "%d incidents (%s)\n", attack_names[a], st[a].flagged ? "found" : "MISSED",
               st[a].type ? st[a].type : "-", st[a].first_flag_at,
               (double)(st[a].first_flag_us - st[a].start_us) / 1e6, st[a].flagged, st[a].requests,
               st[a].incidents, st[a].types);
    (void)real;
    return 0;
}
