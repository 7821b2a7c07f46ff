/* The access-log replay (see replay.h): read, plant, sort, shift, post, report. */
#include "replay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "access_log.h"
#include "common/time_util.h"
#include "scenarios.h"
#include "sensor/http_client.h"
#include "tg_random.h"

int rp_add(rp_list *l, int64_t ts_us, const char *ip, const char *method, const char *target,
           const char *ua, int status, int64_t req_bytes, int64_t resp_bytes, double latency_ms,
           int scenario)
{
    if (l->n == l->cap) {
        if (l->n >= l->max)
            return -1;
        size_t ncap = l->cap ? l->cap * 2 : 4096;
        if (ncap > l->max)
            ncap = l->max;
        rp_rec *nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = ncap;
    }
    rp_rec *r = &l->v[l->n];
    memset(r, 0, sizeof *r);
    r->ts_us = ts_us;
    r->ip = strdup(ip);
    r->target = strdup(target);
    r->user_agent = ua && *ua ? strdup(ua) : NULL;
    snprintf(r->method, sizeof r->method, "%s", method);
    r->status = status;
    r->req_bytes = req_bytes;
    r->resp_bytes = resp_bytes;
    r->latency_ms = latency_ms;
    r->scenario = scenario;
    if (!r->ip || !r->target || (ua && *ua && !r->user_agent))
        return -1;
    /* Apache escapes non-printable bytes as \xNN; anything else that is not printable
     * ASCII (raw bytes from other servers) becomes '?', so the JSON is always valid. */
    for (char *s = r->target; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            *s = '?';
    for (char *s = r->user_agent; s && *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            *s = '?';
    l->n++;
    return 0;
}

static void rp_free(rp_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].ip);
        free(l->v[i].target);
        free(l->v[i].user_agent);
    }
    free(l->v);
}

static bool has_suffix(const char *path, size_t n, const char *suffix)
{
    size_t s = strlen(suffix);
    return n >= s && strncasecmp(path + n - s, suffix, s) == 0;
}

/* The log has no durations; this makes up a plausible one, the same for the same line on
 * every run: a static file is served from the page cache (median 0.6 ms) plus its bytes
 * at 40 MB/s, a page or directory index is generated (median 12 ms) plus its bytes, a
 * 304 answers in about a millisecond and an error in a few; log-normal spread (sigma
 * 0.5) around each. Large downloads are therefore legitimately slow on their routes. */
static double made_up_latency(const tg_log_entry *e, uint64_t *rng)
{
    static const char *const statics[] = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".css", ".js",
                                          ".svg", ".woff", ".ttf", ".pdf", ".jar", ".gz", ".zip",
                                          ".txt", ".xml", ".tar", ".deb", ".rpm", ".mp4"};
    size_t n = strcspn(e->target, "?");
    bool is_static = false;
    for (size_t i = 0; i < sizeof statics / sizeof *statics && !is_static; i++)
        is_static = has_suffix(e->target, n, statics[i]);
    double median;
    if (e->status == 304)
        median = 1.0;
    else if (e->status >= 400)
        median = 3.0;
    else
        median = (is_static ? 0.6 : 12.0) + (double)e->bytes / 40000.0;
    return tg_lognormal(rng, median, 0.5);
}

/* A log written with HostnameLookups On names some clients ("lj1036.inktomisearch.com")
 * where the collector takes an address. Such a name becomes a stable address of its own in
 * 198.18.0.0/15 (RFC 2544, benchmarking; never routed, and apart from the planted
 * 192.0.2.0/24), so one host keeps one address and different hosts differ. */
static void client_address(const char *client, char *out, size_t size)
{
    unsigned char buf[16];
    if (inet_pton(AF_INET, client, buf) == 1 || inet_pton(AF_INET6, client, buf) == 1) {
        snprintf(out, size, "%s", client);
        return;
    }
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *c = client; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    snprintf(out, size, "198.%u.%u.%u", 18 + (h >> 16 & 1), h >> 8 & 0xff, h & 0xff);
}

/* Reads every parsable line into l; counts and reports skipped ones. */
static int read_log(const replay_opts *o, rp_list *l, long *skipped)
{
    gzFile f = gzopen(o->log, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s: %s\n", o->log, strerror(errno));
        return -1;
    }
    char line[16384], err[128];
    long lineno = 0;
    *skipped = 0;
    while (gzgets(f, line, sizeof line)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            int c; /* an over-long line: skip the rest of it */
            while ((c = gzgetc(f)) != -1 && c != '\n') {}
            if ((*skipped)++ < 5)
                fprintf(stderr, "replay: %s:%ld: line longer than %zu bytes, skipped\n", o->log,
                        lineno, sizeof line);
            continue;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (!len)
            continue;
        tg_log_entry e;
        if (tg_log_parse(line, &e, err, sizeof err) != 0) {
            if ((*skipped)++ < 5)
                fprintf(stderr, "replay: %s:%ld: %s, skipped\n", o->log, lineno, err);
            continue;
        }
        uint64_t rng = o->seed * 1000003u + (uint64_t)lineno;
        int64_t req = strcmp(e.method, "POST") == 0 || strcmp(e.method, "PUT") == 0 ? -1 : 0;
        char ip[sizeof e.client];
        client_address(e.client, ip, sizeof ip);
        if (rp_add(l, e.ts_us, ip, e.method, e.target, e.user_agent, e.status, req, e.bytes,
                   made_up_latency(&e, &rng), -1) != 0) {
            fprintf(stderr, "replay: more than %ld records (--max-records)\n", o->max_records);
            gzclose(f);
            return -1;
        }
    }
    gzclose(f);
    if (*skipped > 5)
        fprintf(stderr, "replay: %ld lines skipped in all\n", *skipped);
    return 0;
}

static int by_time(const void *a, const void *b)
{
    const rp_rec *x = a, *y = b;
    if (x->ts_us != y->ts_us)
        return (x->ts_us > y->ts_us) - (x->ts_us < y->ts_us);
    return (x->scenario > y->scenario) - (x->scenario < y->scenario);
}

static const char *rfc3339(int64_t us, char *out, size_t size) { return sf_time_format(us, out, size); }

/* The log has no request sizes either. A sensor counts the whole request as sent (line,
 * headers, body); this estimates it: the request line, Host, the User-Agent, about 150
 * bytes of the Accept and Connection headers a client sends, and the body (known for
 * planted records, unknown and left out for a real POST). */
static int64_t request_bytes(const rp_rec *r)
{
    int64_t n = (int64_t)(strlen(r->method) + strlen(r->target)) + 11 + 24 + 150;
    if (r->user_agent)
        n += 14 + (int64_t)strlen(r->user_agent);
    return n + (r->req_bytes > 0 ? r->req_bytes : 0);
}

static json_t *record_json(const rp_rec *r, int64_t ts)
{
    char when[40];
    size_t plen = strcspn(r->target, "?");
    json_t *j = json_pack("{s:s, s:s, s:i, s:f, s:s, s:s, s:s%, s:s}", "endpoint", r->target,
                          "method", r->method, "status_code", r->status, "response_time_ms",
                          r->latency_ms, "ip_address", r->ip, "client_ip", r->ip, "path",
                          r->target, plen, "timestamp", rfc3339(ts, when, sizeof when));
    if (!j)
        return NULL;
    if (r->target[plen] == '?')
        json_object_set_new(j, "query", json_string(r->target + plen + 1));
    if (r->user_agent)
        json_object_set_new(j, "user_agent", json_string(r->user_agent));
    json_object_set_new(j, "request_size_bytes", json_integer(request_bytes(r)));
    json_object_set_new(j, "response_size_bytes", json_integer(r->resp_bytes));
    json_object_set_new(j, "duration_us", json_integer((json_int_t)(r->latency_ms * 1000)));
    return j;
}

typedef struct poster {
    const replay_opts *o;
    sf_url url;
    char auth[600];
    FILE *jsonl;
    long batches, posted, rejected, anomalies;
    int64_t t0_wall;
} poster;

/* POSTs one batch, retrying on 429/503 and connection errors for up to a minute. */
static int post_batch(poster *p, json_t *records)
{
    if (p->jsonl) {
        size_t i;
        json_t *r;
        json_array_foreach(records, i, r) {
            char *line = json_dumps(r, JSON_COMPACT);
            if (line)
                fprintf(p->jsonl, "%s\n", line);
            free(line);
        }
        p->posted += (long)json_array_size(records);
        return 0;
    }
    char batch_id[96];
    snprintf(batch_id, sizeof batch_id, "replay-%lld-%ld", (long long)p->t0_wall, p->batches);
    json_t *body = json_pack("{s:s, s:s, s:O}", "sensor_id", p->o->sensor_id, "batch_id", batch_id,
                             "records", records);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return fprintf(stderr, "\nreplay: out of memory\n"), -1;
    int rc = -1;
    for (int attempt = 0; attempt < 60 && rc != 0; attempt++) {
        sf_http_response resp;
        char err[SF_HTTP_ERR_MAX];
        if (sf_http_request(&p->url, "POST", "/api/traffic/batch", p->auth, text, strlen(text),
                            60000, 1 << 20, &resp, err, sizeof err) != 0) {
            fprintf(stderr, "\nreplay: %s; retrying\n", err);
            sleep(1);
            continue;
        }
        if (resp.status == 200) {
            json_t *j = json_loads(resp.body, 0, NULL);
            p->posted += (long)json_integer_value(json_object_get(j, "accepted"));
            p->rejected += (long)json_array_size(json_object_get(j, "rejected"));
            p->anomalies += (long)json_integer_value(json_object_get(j, "anomalies"));
            if (json_array_size(json_object_get(j, "rejected")) && p->rejected < 20) {
                char *why = json_dumps(json_array_get(json_object_get(j, "rejected"), 0), 0);
                fprintf(stderr, "\nreplay: a record was rejected: %s\n", why ? why : "?");
                free(why);
            }
            json_decref(j);
            rc = 0;
        } else if (resp.status == 429 || resp.status == 503) {
            usleep(resp.retry_after_ms > 0 ? (useconds_t)(resp.retry_after_ms * 1000) : 500000);
        } else {
            fprintf(stderr, "\nreplay: the collector answered %d: %.300s\n", resp.status, resp.body);
            sf_http_response_free(&resp);
            break;
        }
        sf_http_response_free(&resp);
    }
    free(text);
    p->batches++;
    return rc;
}

static void progress(poster *p, size_t done, size_t total, int64_t traffic_us, bool final)
{
    static int64_t last;
    int64_t now = sf_http_now_us();
    if (!final && now - last < (isatty(2) ? 500000 : 10000000))
        return;
    last = now;
    double el = (double)(now - p->t0_wall) / 1e6;
    char when[40];
    fprintf(stderr, "%sreplay: %zu/%zu records (%.0f %%), traffic time %.19s, %.0f rec/s, "
            "%ld flagged, %ld rejected%s", isatty(2) ? "\r" : "", done, total,
            total ? 100.0 * (double)done / (double)total : 100.0, rfc3339(traffic_us, when, sizeof when),
            el > 0 ? (double)done / el : 0.0, p->anomalies, p->rejected,
            isatty(2) && !final ? "   " : "\n");
}

static void sleep_until(int64_t due_mono_us)
{
    int64_t left = due_mono_us - sf_http_now_us();
    if (left > 0) {
        struct timespec ts = {.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
}

static void write_manifest(const replay_opts *o, const rp_scenario *plan, int n, int64_t shift,
                           const rp_list *l, int64_t log_start, int64_t log_end)
{
    FILE *f = fopen(o->manifest, "w");
    if (!f) {
        fprintf(stderr, "replay: cannot write %s\n", o->manifest);
        return;
    }
    char a[40], b[40];
    long real = 0;
    for (size_t i = 0; i < l->n; i++)
        real += l->v[i].scenario == -1;
    /* Log time t is posted as shift + t / speed. */
#define SHIFTED(t) (shift + (int64_t)((double)(t) / o->speed))
    fprintf(f, "{\"replay\":{\"log\":\"%s\",\"real_records\":%ld,\"planted_records\":%ld,"
            "\"start\":\"%s\",\"end\":\"%s\",\"speed\":%g}}\n", o->log, real, (long)l->n - real,
            rfc3339(SHIFTED(log_start), a, sizeof a), rfc3339(SHIFTED(log_end), b, sizeof b), o->speed);
    for (int i = 0; i < n; i++) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "name", plan[i].name,
                              "expect", plan[i].expect, "description", plan[i].description,
                              "start", rfc3339(SHIFTED(plan[i].start_us), a, sizeof a), "end",
                              rfc3339(SHIFTED(plan[i].end_us), b, sizeof b), "clients",
                              plan[i].clients, "route", plan[i].route, "requests",
                              (json_int_t)plan[i].requests);
        char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (line)
            fprintf(f, "%s\n", line);
        free(line);
        json_decref(j);
    }
#undef SHIFTED
    fclose(f);
}

static int read_token(const replay_opts *o, char *out, size_t size)
{
    const char *env = getenv("SECURAFLOW_INGEST_TOKEN");
    if (o->token_file) {
        FILE *f = fopen(o->token_file, "r");
        if (!f || !fgets(out, (int)size, f)) {
            fprintf(stderr, "replay: cannot read the token file %s\n", o->token_file);
            if (f)
                fclose(f);
            return -1;
        }
        fclose(f);
    } else if (env) {
        snprintf(out, size, "%s", env);
    } else {
        fprintf(stderr, "replay: give an ingest token with --token-file FILE or "
                        "SECURAFLOW_INGEST_TOKEN (never on the command line)\n");
        return -1;
    }
    out[strcspn(out, "\r\n")] = '\0';
    return out[0] ? 0 : -1;
}

/* Posts l (sorted) in batches; traffic time = shift + log time / speed. */
static int post_all(poster *p, const rp_list *l, int64_t shift)
{
    const replay_opts *o = p->o;
    json_t *batch = json_array();
    int64_t first_traffic = shift + (int64_t)((double)l->v[0].ts_us / o->speed);
    int64_t wall_at_first = sf_http_now_us();
    int rc = 0;
    for (size_t i = 0; i < l->n && rc == 0; i++) {
        int64_t ts = shift + (int64_t)((double)l->v[i].ts_us / o->speed);
        if (o->pace && json_array_size(batch) &&
            ts - first_traffic > sf_http_now_us() - wall_at_first + 250000) {
            rc = post_batch(p, batch); /* what is due goes out before waiting */
            json_array_clear(batch);
        }
        if (o->pace)
            sleep_until(wall_at_first + (ts - first_traffic));
        else if (o->max_rate > 0)
            sleep_until(p->t0_wall + (int64_t)((double)i * 1e6 / o->max_rate));
        json_array_append_new(batch, record_json(&l->v[i], ts));
        if ((int)json_array_size(batch) >= o->batch) {
            rc = post_batch(p, batch);
            json_array_clear(batch);
        }
        progress(p, i + 1, l->n, ts, false);
    }
    if (rc == 0 && json_array_size(batch))
        rc = post_batch(p, batch);
    json_decref(batch);
    progress(p, l->n, l->n, shift + (int64_t)((double)l->v[l->n - 1].ts_us / o->speed), true);
    return rc;
}

int tg_replay_run(const replay_opts *o)
{
    poster p = {.o = o, .t0_wall = sf_http_now_us()};
    char err[SF_HTTP_ERR_MAX], token[512];
    if (!o->jsonl) {
        if (sf_url_parse(o->collector, &p.url, err, sizeof err) != 0)
            return fprintf(stderr, "replay: %s\n", err), 2;
        if (read_token(o, token, sizeof token) != 0)
            return 2;
        snprintf(p.auth, sizeof p.auth, "Authorization: Bearer %s\r\nContent-Type: application/json\r\n",
                 token);
        memset(token, 0, sizeof token);
    } else if (!(p.jsonl = fopen(o->jsonl, "w"))) {
        return fprintf(stderr, "replay: cannot write %s\n", o->jsonl), 2;
    }
    rp_list l = {.max = (size_t)o->max_records};
    long skipped;
    rp_scenario plan[RP_SCENARIOS_MAX];
    int planted = 0, rc = 1;
    if (read_log(o, &l, &skipped) != 0)
        goto out;
    if (l.n == 0) {
        fprintf(stderr, "replay: no usable line in %s\n", o->log);
        goto out;
    }
    qsort(l.v, l.n, sizeof *l.v, by_time); /* logs are in completion order, some shuffled */
    int64_t log_start = l.v[0].ts_us, log_end = l.v[l.n - 1].ts_us;
    unsigned mask = 0;
    if (o->plant && tg_scenarios_parse(o->plant, &mask) != 0) {
        fprintf(stderr, "replay: unknown scenario in '%s'\n", o->plant);
        rc = 2;
        goto out;
    }
    if (mask && (planted = rp_plant(&l, mask, log_start + (int64_t)(o->plant_after_s * 1e6),
                                    (int64_t)(o->plant_gap_s * 1e6), o->seed, plan)) < 0) {
        fprintf(stderr, "replay: more than %ld records (--max-records)\n", o->max_records);
        goto out;
    }
    qsort(l.v, l.n, sizeof *l.v, by_time);
    log_start = l.v[0].ts_us < log_start ? l.v[0].ts_us : log_start;
    log_end = l.v[l.n - 1].ts_us > log_end ? l.v[l.n - 1].ts_us : log_end;
    /* Paced: the first record is now. Otherwise the last one is now, so every posted
     * time is in the past, as if the log had just been written. */
    int64_t now_us = sf_now_us();
    int64_t shift = now_us - (int64_t)((double)(o->pace ? log_start : log_end) / o->speed);
    if (o->manifest)
        write_manifest(o, plan, planted, shift, &l, log_start, log_end);
    fprintf(stderr, "replay: %zu records (%d scenarios planted), %.1f h of traffic%s\n", l.n, planted,
            (double)(log_end - log_start) / 3.6e9 / o->speed, o->pace ? ", paced" : "");
    rc = post_all(&p, &l, shift) == 0 && p.rejected == 0 ? 0 : 1;
out:
    if (p.jsonl)
        fclose(p.jsonl);
    rp_free(&l);
    return rc;
}
