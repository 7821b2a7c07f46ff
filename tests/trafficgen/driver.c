/* The traffic driver (see driver.h). */
#include "driver.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/time_util.h"
#include "request_mix.h"
#include "sensor/http_client.h"
#include "tg_connect.h"
#include "tg_random.h"

#define MAX_PIPELINE 64

typedef struct shared {
    const tg_drive_opts *o;
    sf_url url;
    atomic_long next_req, rate_slot, conn_ids;
    atomic_bool stop;         /* --duration reached or the requests are sent */
    tg_incident incident;
    int64_t t0_us;
    pthread_mutex_t mu;       /* guards what follows */
    FILE *report;
    long errors, status_class[6];
    json_t *status_counts;
    int64_t *latencies;       /* µs, one per answered request */
    long nlat, lat_cap, answered;
} shared;

typedef struct worker {
    shared *sh;
    int index;
    tg_mix mix;
    sf_http_conn conn;
    bool open;
    long conn_id;
    int client_port;          /* local port of the open connection, for matching captures */
    char addr[48];            /* the address requests go out from ("" = the kernel's choice) */
} worker;

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t ncap = (b->len + n) * 2;
        char *np = realloc(b->p, ncap);
        if (!np) {
            fprintf(stderr, "trafficgen: out of memory\n");
            exit(2);
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_add(b, tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Serialises one request; a chunked body goes out in pieces of up to 100 bytes. */
static void serialise(buf *b, const shared *sh, const tg_request *r, bool last_on_conn)
{
    buf_printf(b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
               "Accept: %s\r\n%s%s", r->method, r->target, sh->url.host_header,
               r->user_agent ? r->user_agent : "securaflow-trafficgen/1.0",
               strncmp(r->target, "/api/", 5) == 0 ? "application/json" : "*/*",
               r->headers, last_on_conn ? "Connection: close\r\n" : "");
    if (!r->body) {
        buf_add(b, "\r\n", 2);
        return;
    }
    buf_add(b, "Content-Type: application/json\r\n", 32);
    if (!r->chunked) {
        buf_printf(b, "Content-Length: %zu\r\n\r\n", r->body_len);
        buf_add(b, r->body, r->body_len);
        return;
    }
    buf_add(b, "Transfer-Encoding: chunked\r\n\r\n", 30);
    for (size_t off = 0; off < r->body_len; off += 100) {
        size_t n = r->body_len - off < 100 ? r->body_len - off : 100;
        buf_printf(b, "%zx\r\n", n);
        buf_add(b, r->body + off, n);
        buf_add(b, "\r\n", 2);
    }
    buf_add(b, "0\r\n\r\n", 5);
}

typedef struct outcome {
    long seq;
    int64_t start_us, start_wall_us, latency_us;
    int status;                 /* 0 = no response */
    uint64_t resp_body_bytes;
    const char *error;
} outcome;

static void record(worker *w, const tg_request *r, const outcome *oc)
{
    shared *sh = w->sh;
    const char *q = strchr(r->target, '?');
    int plen = q ? (int)(q - r->target) : (int)strlen(r->target);
    pthread_mutex_lock(&sh->mu);
    if (oc->status == 0) {
        sh->errors++;
    } else {
        sh->status_class[oc->status / 100]++;
        char key[8];
        snprintf(key, sizeof key, "%d", oc->status);
        json_object_set_new(sh->status_counts, key,
                            json_integer(json_integer_value(json_object_get(sh->status_counts, key)) + 1));
        sh->answered++;
        if (sh->nlat < sh->lat_cap) /* the percentiles are of the first lat_cap answers */
            sh->latencies[sh->nlat++] = oc->latency_us;
    }
    if (sh->report) {
        json_t *j = json_pack("{s:I, s:I, s:i, s:s?, s:s, s:s, s:s%, s:s?, s:i, s:I, s:I, s:I, s:I, s:s?, s:s?}",
            "seq", (json_int_t)oc->seq, "conn", (json_int_t)w->conn_id, "client_port",
            w->client_port, "client", w->addr[0] ? w->addr : NULL, "method", r->method,
            "target", r->target, "path", r->target, (size_t)plen, "query", q ? q + 1 : NULL,
            "status", oc->status, "latency_us", (json_int_t)oc->latency_us,
            "start_us", (json_int_t)oc->start_wall_us, "req_body_bytes", (json_int_t)r->body_len,
            "resp_body_bytes", (json_int_t)oc->resp_body_bytes, "anomaly", r->anomaly,
            "error", oc->error);
        char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (line)
            fprintf(sh->report, "%s\n", line);
        free(line);
        json_decref(j);
    }
    pthread_mutex_unlock(&sh->mu);
}

/* Holds the worker back until the next slot of the overall --rate schedule. */
static void pace(shared *sh, int n)
{
    if (sh->o->rate <= 0 || n == 0)
        return;
    long slot = atomic_fetch_add(&sh->rate_slot, n) + n - 1;
    int64_t due = sh->t0_us + (int64_t)((double)slot * 1e6 / sh->o->rate);
    int64_t left = due - sf_http_now_us();
    if (left > 0) {
        struct timespec ts = {.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
}

static void close_conn(worker *w)
{
    if (w->open)
        sf_http_close(&w->conn);
    w->open = false;
}

static const char *ensure_conn(worker *w, char *err, size_t es)
{
    if (w->open)
        return NULL;
    if (tg_connect_from(&w->conn, &w->sh->url, w->addr, w->sh->o->timeout_ms, err, es) != 0)
        return err;
    w->open = true;
    w->conn_id = atomic_fetch_add(&w->sh->conn_ids, 1);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    w->client_port = 0;
    if (getsockname(w->conn.fd, (struct sockaddr *)&ss, &sl) == 0)
        w->client_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                        : ((struct sockaddr_in *)&ss)->sin_port);
    return NULL;
}

/* Sends k requests back to back on one connection and reads the k responses. */
static int run_group(worker *w, tg_request *reqs, int k, long first_seq)
{
    outcome oc[MAX_PIPELINE];
    char err[SF_HTTP_ERR_MAX];
    int paced = 0;
    for (int i = 0; i < k; i++)
        paced += !reqs[i].unpaced;
    pace(w->sh, paced);
    const char *fail = ensure_conn(w, err, sizeof err);
    buf b = {0};
    for (int i = 0; i < k; i++)
        serialise(&b, w->sh, &reqs[i], w->sh->o->fresh_connections && i == k - 1);
    int64_t start = sf_http_now_us(), start_wall = sf_now_us();
    int64_t deadline = start + (int64_t)w->sh->o->timeout_ms * 1000;
    if (!fail && sf_http_send(&w->conn, b.p, b.len, deadline, err, sizeof err) != 0)
        fail = err;
    free(b.p);
    bool keep = true;
    for (int i = 0; i < k; i++) {
        oc[i] = (outcome){.seq = first_seq + i, .start_us = start, .start_wall_us = start_wall,
                          .error = fail};
        sf_http_response resp;
        if (!fail && sf_http_read_response(&w->conn, strcmp(reqs[i].method, "HEAD") == 0, 0,
                                           deadline, &resp, err, sizeof err) != 0)
            fail = oc[i].error = err;
        if (oc[i].error)
            continue;
        oc[i].latency_us = sf_http_now_us() - start;
        oc[i].status = resp.status;
        oc[i].resp_body_bytes = resp.body_total;
        keep = keep && resp.keep_alive;
        sf_http_response_free(&resp);
    }
    if (fail || !keep || w->sh->o->fresh_connections)
        close_conn(w);
    for (int i = 0; i < k; i++)
        record(w, &reqs[i], &oc[i]);
    return oc[k - 1].status;
}

/* Moves the worker to another client address (a new connection from there). */
static void use_address(worker *w, const char *addr)
{
    if (strcmp(w->addr, addr) == 0)
        return;
    close_conn(w);
    snprintf(w->addr, sizeof w->addr, "%s", addr);
}

/* A browsing visit: paced as a whole, then its requests one after the other on the
 * user's keep-alive connection, as a browser does (no pipelining). */
static void run_visit(worker *w, tg_request *reqs, int k, long first_seq)
{
    pace(w->sh, k);
    for (int i = 0; i < k; i++) {
        reqs[i].unpaced = true;
        tg_incident_apply(&w->sh->incident, &reqs[i], &w->mix.rng);
        run_group(w, &reqs[i], 1, first_seq + i);
    }
}

static bool time_up(shared *sh)
{
    if (sh->o->duration_s > 0 && sf_http_now_us() - sh->t0_us >= (int64_t)(sh->o->duration_s * 1e6))
        atomic_store(&sh->stop, true);
    return atomic_load(&sh->stop);
}

/* One visit of a random user, from the user's address. */
static void browse_once(worker *w, tg_request *reqs)
{
    const tg_drive_opts *o = w->sh->o;
    uint32_t user = o->clients > 0 ? (uint32_t)tg_range(&w->mix.rng, 0, o->clients - 1) : 0;
    int k = tg_mix_visit(&w->mix, reqs, MAX_PIPELINE, tg_browser_for(user));
    long first = atomic_fetch_add(&w->sh->next_req, k);
    if (first >= o->requests) {
        atomic_store(&w->sh->stop, true);
    } else {
        char addr[48] = "";
        if (o->clients > 0 && tg_address_nth(o->client_base, user, addr, sizeof addr) != 0)
            addr[0] = '\0';
        use_address(w, addr);
        run_visit(w, reqs, k, first);
    }
    for (int i = 0; i < k; i++)
        tg_request_free(&reqs[i]);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    const tg_drive_opts *o = w->sh->o;
    tg_request reqs[MAX_PIPELINE];
    while (o->browse && !time_up(w->sh))
        browse_once(w, reqs);
    while (!o->browse && !time_up(w->sh)) {
        long first = atomic_fetch_add(&w->sh->next_req, o->pipeline);
        if (first >= o->requests)
            break;
        int k = (int)(o->requests - first < o->pipeline ? o->requests - first : o->pipeline);
        if (o->clients > 0) {
            char addr[48];
            if (tg_address_nth(o->client_base, (uint32_t)tg_range(&w->mix.rng, 0, o->clients - 1),
                               addr, sizeof addr) == 0)
                use_address(w, addr);
        }
        for (int i = 0; i < k; i++)
            tg_mix_next(&w->mix, &reqs[i]);
        run_group(w, reqs, k, first);
        for (int i = 0; i < k; i++)
            tg_request_free(&reqs[i]);
    }
    close_conn(w);
    return NULL;
}

/* The scenarios' way out: one request from source on the scheduler's own worker. */
static int send_from(tg_sender *sender, const char *source, tg_request *r)
{
    worker *w = (worker *)sender;
    use_address(w, source);
    long seq = atomic_fetch_add(&w->sh->next_req, 0); /* scenario requests do not count */
    return run_group(w, r, 1, seq);
}

static void *scheduler_main(void *arg)
{
    worker *w = arg;
    const tg_drive_opts *o = w->sh->o;
    tg_scenarios_run(&o->schedule, w->sh->t0_us, &w->sh->incident, send_from, (tg_sender *)w,
                     &w->sh->stop, o->seed * 31 + 5);
    close_conn(w);
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void summary(shared *sh, double elapsed_s)
{
    qsort(sh->latencies, (size_t)sh->nlat, sizeof *sh->latencies, cmp_i64);
    double p[4] = {0};
    const double q[4] = {0.5, 0.95, 0.99, 1.0};
    for (int i = 0; i < 4 && sh->nlat > 0; i++)
        p[i] = (double)sh->latencies[(long)(q[i] * (double)(sh->nlat - 1))] / 1000.0;
    json_t *j = json_pack("{s:I, s:I, s:I, s:O, s:f, s:f, s:I, s:{s:f, s:f, s:f, s:f}}",
        "requests", (json_int_t)(sh->answered + sh->errors), "answered", (json_int_t)sh->answered,
        "errors", (json_int_t)sh->errors, "status", sh->status_counts, "elapsed_s", elapsed_s,
        "rps", elapsed_s > 0 ? (double)sh->answered / elapsed_s : 0.0,
        "connections", (json_int_t)atomic_load(&sh->conn_ids),
        "latency_ms", "p50", p[0], "p95", p[1], "p99", p[2], "max", p[3]);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    printf("%s\n", text ? text : "{}");
    free(text);
    json_decref(j);
}

int tg_drive_run(const tg_drive_opts *o)
{
    shared sh = {.o = o, .status_counts = json_object()};
    char err[SF_HTTP_ERR_MAX];
    if (sf_url_parse(o->target, &sh.url, err, sizeof err) != 0) {
        fprintf(stderr, "trafficgen: %s\n", err);
        return 2;
    }
    if (o->report && !(sh.report = fopen(o->report, "w"))) {
        fprintf(stderr, "trafficgen: cannot write %s\n", o->report);
        return 2;
    }
    sh.lat_cap = o->requests < 2000000 ? o->requests + 1 : 2000000;
    sh.latencies = calloc((size_t)sh.lat_cap, sizeof *sh.latencies);
    int nthreads = o->concurrency + (o->schedule.mask ? 1 : 0);
    worker *ws = calloc((size_t)nthreads, sizeof *ws);
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    if (!sh.latencies || !ws || !th) {
        fprintf(stderr, "trafficgen: out of memory\n");
        return 2;
    }
    pthread_mutex_init(&sh.mu, NULL);
    sh.t0_us = sf_http_now_us();
    for (int i = 0; i < nthreads; i++) {
        ws[i] = (worker){.sh = &sh, .index = i};
        tg_mix_init(&ws[i].mix, o->seed * 7919 + (uint64_t)i + 1, o->anomalies, o->anomaly_rate);
        pthread_create(&th[i], NULL, i < o->concurrency ? worker_main : scheduler_main, &ws[i]);
    }
    for (int i = 0; i < o->concurrency; i++)
        pthread_join(th[i], NULL);
    atomic_store(&sh.stop, true); /* the scheduler stops with the visitors */
    for (int i = o->concurrency; i < nthreads; i++)
        pthread_join(th[i], NULL);
    summary(&sh, (double)(sf_http_now_us() - sh.t0_us) / 1e6);
    if (sh.report)
        fclose(sh.report);
    int rc = sh.errors ? 1 : 0;
    json_decref(sh.status_counts);
    free(sh.latencies);
    free(ws);
    free(th);
    pthread_mutex_destroy(&sh.mu);
    return rc;
}
