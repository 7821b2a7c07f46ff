/* Demo data (api.md, reference §10): `count` records over the last `hours_back` hours, each an anomaly with probability `anomaly_rate`. Normal records are
 * the starter model's shop traffic (starter_traffic.h: per-endpoint methods, log-normal
 * latencies, realistic statuses and sizes). Anomalies are the reference's three kinds
 * (server errors, > 3 s responses, > 10 MB transfers) plus attack payloads and, to keep
 * the evaluation honest, latency regressions below the 3 s rule that only the model can
 * catch. Every record is marked demo and carries its ground truth (was it generated as an
 * anomaly), and goes through the same detectors and writer as real traffic; the answer
 * comes once it is stored. (The reference spaced records evenly; real traffic comes in
 * sessions, and evenly spaced records make every client look like a lone caller.) DELETE /api/demo removes demo traffic and anomalies and
 * rebuilds the rollup minutes they touched from the remaining raw traffic. */
#include "collector/api_demo.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_cache.h"
#include "collector/api_params.h"
#include "collector/app.h"
#include "collector/ingest_decode.h"
#include "collector/starter_traffic.h"
#include "common/time_util.h"

enum anomaly_kind { KIND_SERVER_ERROR, KIND_SLOW, KIND_LARGE, KIND_PAYLOAD, KIND_REGRESSION, KINDS };

typedef struct demo_request {
    sf_request *r;
    int64_t start_us, end_us;
    int truth_anomalies;
} demo_request;

static double uniform(void) { return randombytes_uniform(1u << 30) / (double)(1u << 30); }
static int pick(int n) { return (int)randombytes_uniform((uint32_t)n); }

static void set_endpoint(sf_record *rec, const char *endpoint)
{
    sf_record_set_text(&rec->endpoint, endpoint, strlen(endpoint));
}

/* Turns a normal record into an anomaly of a random kind. */
static void make_anomaly(sf_record *rec)
{
    static const char *const payloads[] = {
        "/api/products?id=1%27%20OR%20%271%27=%271",
        "/api/search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E",
        "/api/files?name=../../../../etc/passwd",
        "/api/users?sort=name;DROP%20TABLE%20users--",
        "/api/search?q=1%20UNION%20SELECT%20username,password%20FROM%20users",
    };
    static const int server_errors[] = {500, 502, 503, 504};
    switch (pick(KINDS)) {
    case KIND_SERVER_ERROR:
        rec->status_code = server_errors[pick(4)];
        rec->response_time_ms = 100 + uniform() * 900;
        rec->response_size_bytes = 50 + pick(250);
        break;
    case KIND_SLOW:
        rec->status_code = 200;
        rec->response_time_ms = 3001 + uniform() * 7000;
        break;
    case KIND_LARGE:
        snprintf(rec->method, sizeof rec->method, "%s", pick(2) ? "GET" : "POST");
        rec->status_code = 200;
        rec->response_time_ms = 100 + uniform() * 400;
        rec->request_size_bytes = 10000001 + pick(10000000);
        rec->response_size_bytes = 15000000 + pick(15000000);
        break;
    case KIND_PAYLOAD:
        set_endpoint(rec, payloads[pick(sizeof payloads / sizeof payloads[0])]);
        snprintf(rec->method, sizeof rec->method, "GET");
        rec->status_code = pick(2) ? 200 : 400;
        break;
    default: /* a regression the 3 s rule does not see */
        rec->status_code = 200;
        rec->response_time_ms = 800 + uniform() * 2100;
        break;
    }
}

static int by_time(const void *a, const void *b)
{
    int64_t x = ((const sf_ingest_item *)a)->ts_us, y = ((const sf_ingest_item *)b)->ts_us;
    return (x > y) - (x < y);
}

/* Fills items: normal shop traffic (its day of sessions and quiet clients squeezed or
 * stretched into [start, end)), anomalies at anomaly_rate, in time order as a sensor
 * would send them. Returns the number generated as anomalies. */
static int fill_items(sf_ingest_item *items, size_t n, double anomaly_rate, int64_t start_us,
                      int64_t end_us)
{
    uint64_t seed;
    randombytes_buf(&seed, sizeof seed);
    sf_starter_traffic(items, n, seed, end_us);
    const double day_us = 86400e6, scale = (double)(end_us - start_us) / day_us;
    int anomalies = 0;
    for (size_t i = 0; i < n; i++) {
        sf_ingest_item *it = &items[i];
        int anomalous = uniform() < anomaly_rate;
        if (anomalous)
            make_anomaly(&it->rec);
        int64_t ts = end_us - (int64_t)((double)(end_us - it->ts_us) * scale);
        it->rec.timestamp_us = ts < start_us ? start_us : ts >= end_us ? end_us - 1 : ts;
        sf_ingest_item_prepare(it, it->rec.timestamp_us);
        it->demo = true;
        it->ground_truth = anomalous;
        anomalies += anomalous;
    }
    qsort(items, n, sizeof *items, by_time);
    return anomalies;
}

static void demo_done(sf_ingest_job *job)
{
    demo_request *d = job->done_arg;
    sf_request *r = d->r;
    if (job->status != 200) {
        if (job->status == 503)
            sf_reply_add_header(r, "Retry-After", "1");
        sf_reply_json(r, job->status, json_incref(job->error_body));
    } else {
        char start[SF_RFC3339_LEN], end[SF_RFC3339_LEN], msg[64];
        snprintf(msg, sizeof msg, "Generated %zu traffic logs", job->count);
        sf_reply_json(r, 200, json_pack("{s:b,s:s,s:i,s:i,s:i,s:{s:s,s:s}}", "success", 1,
                                        "message", msg, "traffic_logs_created", (int)job->count,
                                        "anomalies_created", job->anomalies,
                                        "generated_anomalies", d->truth_anomalies, "time_range",
                                        "start", sf_time_format(d->start_us, start, sizeof start),
                                        "end", sf_time_format(d->end_us, end, sizeof end)));
    }
    free(d);
    sf_ingest_job_free(job);
}

void sf_api_demo_generate(sf_request *r)
{
    sf_field_errors errs = {0};
    int64_t count, hours;
    double rate;
    sf_param_int(r, "count", 100, 1, 1000, &count, &errs);
    sf_param_double(r, "anomaly_rate", 0.15, 0.0, 1.0, &rate, &errs);
    sf_param_int(r, "hours_back", 24, 1, 168, &hours, &errs);
    if (sf_params_reject(r, &errs, "query"))
        return;
    sf_ingest_job *job = sf_ingest_job_new();
    demo_request *d = calloc(1, sizeof *d);
    if (job)
        job->items = calloc((size_t)count, sizeof *job->items);
    if (!job || !d || !job->items) {
        sf_ingest_job_free(job);
        free(d);
        sf_reply_internal(r, "out of memory");
        return;
    }
    d->r = r;
    d->end_us = sf_now_us();
    d->start_us = d->end_us - hours * 3600LL * 1000000;
    job->count = (size_t)count;
    d->truth_anomalies = fill_items(job->items, job->count, rate, d->start_us, d->end_us);
    job->rejected = json_array();
    job->done = demo_done;
    job->done_arg = d;
    if (sf_ingest_submit(r->app->ingest, job) != 0) {
        sf_ingest_job_free(job);
        free(d);
        sf_reply_add_header(r, "Retry-After", "1");
        sf_reply_error(r, 503, "Ingest queue full, retry later");
    }
}

/* The rollup minutes that demo rows touched, rebuilt from the raw traffic that remains
 * (the histogram buckets are latency_histogram.c's: 1 + floor(ln(ms / 0.01) / ln(1.1))). */
static const char *const delete_steps[] = {
    "BEGIN",
    "CREATE TEMP TABLE demo_minutes ON COMMIT DROP AS SELECT DISTINCT"
    " date_trunc('minute', ts) AS minute, route, method FROM traffic_logs WHERE demo",
    "DELETE FROM anomalies WHERE demo",
    "DELETE FROM traffic_logs WHERE demo",
    "DELETE FROM rollup_minute r USING demo_minutes d"
    " WHERE r.minute = d.minute AND r.route = d.route AND r.method = d.method",
    "INSERT INTO rollup_minute"
    " WITH per_bucket AS (SELECT date_trunc('minute', t.ts) AS minute, t.route, t.method,"
    "   least(255, CASE WHEN t.response_time_ms > 0.01"
    "     THEN 1 + floor(ln(t.response_time_ms / 0.01) / ln(1.1))::int ELSE 0 END) AS k,"
    "   count(*) AS c, count(*) FILTER (WHERE t.status_code >= 400) AS e,"
    "   count(*) FILTER (WHERE t.status_code >= 500) AS se, count(*) FILTER (WHERE t.is_anomaly) AS a,"
    "   sum(t.response_time_ms) AS s, max(t.response_time_ms) AS mx"
    "   FROM traffic_logs t JOIN demo_minutes d ON d.minute = date_trunc('minute', t.ts)"
    "   AND d.route = t.route AND d.method = t.method GROUP BY 1, 2, 3, 4)"
    " SELECT p.minute, p.route, p.method, sum(c), sum(e), sum(se), sum(a), sum(s), max(mx),"
    "  (SELECT array_agg(v ORDER BY q.k, o) FROM per_bucket q"
    "   CROSS JOIN LATERAL (VALUES (0, q.k), (1, q.c::int)) kv(o, v)"
    "   WHERE q.minute = p.minute AND q.route = p.route AND q.method = p.method)"
    " FROM per_bucket p GROUP BY 1, 2, 3",
    "COMMIT",
};

static json_t *delete_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)ctx, (void)status;
    long long counts[2] = {0, 0};
    for (size_t i = 0; i < sizeof delete_steps / sizeof delete_steps[0]; i++) {
        PGresult *res = sf_db_query(conn, delete_steps[i], 0, NULL, err, err_size);
        if (!res) {
            PQclear(PQexec(conn, "ROLLBACK"));
            return NULL;
        }
        if (i == 2 || i == 3)
            counts[i - 2] = strtoll(PQcmdTuples(res), NULL, 10);
        PQclear(res);
    }
    sf_api_data_changed();
    return json_pack("{s:b,s:I,s:I}", "success", 1, "traffic_logs_deleted", (json_int_t)counts[1],
                     "anomalies_deleted", (json_int_t)counts[0]);
}

void sf_api_demo_delete(sf_request *r)
{
    sf_db_pool_submit(r->app->db_pool, r, delete_run, NULL, NULL);
}
