/* GET /api/endpoints (api.md): one row per route template and method with requests,
 * requests per second over the window, mean/max and p50/p95/p99 latency (merged rollup
 * histograms), error rate (>= 400), server error rate (5xx), anomalies, and the first and
 * last minute seen, for start_time..end_time (default: the last 24 h). Busiest first;
 * `limit` (1-1000, default 100) rows, `total` = routes in the window. From rollup_minute
 * only (api_rollups.h), grouped here; cached per data generation like /api/metrics. */
#include "collector/api_endpoints.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_cache.h"
#include "collector/api_json_text.h"
#include "collector/api_rollups.h"
#include "collector/api_params.h"
#include "collector/app.h"

typedef struct endpoints_query {
    char start[SF_RFC3339_LEN], end[SF_RFC3339_LEN];
    int64_t limit;
    double window_s;
    char key[SF_API_CACHE_KEY_MAX];
    uint64_t generation;
} endpoints_query;

/* One route and method over the window. */
typedef struct endpoint_stats {
    const char *route, *method;
    int64_t requests, errors, server_errors, anomalies, first_s, last_s;
    double sum_ms, max_ms, p50, p95, p99;
} endpoint_stats;

static int by_route_method(const void *a, const void *b)
{
    const sf_rollup_row *x = *(const sf_rollup_row *const *)a, *y = *(const sf_rollup_row *const *)b;
    int c = strcmp(x->route, y->route);
    return c ? c : strcmp(x->method, y->method);
}

static int by_requests(const void *a, const void *b)
{
    const endpoint_stats *x = a, *y = b;
    if (x->requests != y->requests)
        return x->requests < y->requests ? 1 : -1;
    int c = strcmp(x->route, y->route);
    return c ? c : strcmp(x->method, y->method);
}

/* Sums the rows of one route and method (rows[0..n)). */
static void summarise(endpoint_stats *e, const sf_rollup_row *const *rows, size_t n, sf_latency_hist *h)
{
    *e = (endpoint_stats){.route = rows[0]->route, .method = rows[0]->method,
                          .first_s = rows[0]->minute_s, .last_s = rows[0]->minute_s};
    for (size_t i = 0; i < n; i++) {
        const sf_rollup_row *r = rows[i];
        e->requests += r->requests;
        e->errors += r->errors;
        e->server_errors += r->server_errors;
        e->anomalies += r->anomalies;
        e->sum_ms += r->sum_ms;
        e->max_ms = r->max_ms > e->max_ms ? r->max_ms : e->max_ms;
        e->first_s = r->minute_s < e->first_s ? r->minute_s : e->first_s;
        e->last_s = r->minute_s > e->last_s ? r->minute_s : e->last_s;
    }
    sf_rollups_merge_hist(h, rows, n);
    e->p50 = sf_hist_quantile(h, 0.50);
    e->p95 = sf_hist_quantile(h, 0.95);
    e->p99 = sf_hist_quantile(h, 0.99);
}

static void endpoint_item(sf_text *t, const endpoint_stats *e, double window_s, bool first)
{
    double n = e->requests > 0 ? (double)e->requests : NAN;
    sf_text_puts(t, first ? "{\"endpoint\":" : ",{\"endpoint\":");
    sf_text_json_string(t, e->route);
    sf_text_puts(t, ",\"method\":");
    sf_text_json_string(t, e->method);
    sf_text_printf(t, ",\"requests\":%lld,\"rps\":", (long long)e->requests);
    sf_text_json_double(t, (double)e->requests / window_s);
    const double values[] = {e->sum_ms / n, e->max_ms, e->p50, e->p95, e->p99, e->errors / n,
                             e->server_errors / n};
    static const char *const names[] = {"avg_response_time_ms", "max_response_time_ms",
        "p50_response_time_ms", "p95_response_time_ms", "p99_response_time_ms", "error_rate",
        "server_error_rate"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        sf_text_printf(t, ",\"%s\":", names[i]);
        sf_text_json_double(t, values[i]);
    }
    sf_text_printf(t, ",\"errors\":%lld,\"server_errors\":%lld,\"anomalies\":%lld,\"first_seen\":",
                   (long long)e->errors, (long long)e->server_errors, (long long)e->anomalies);
    sf_text_json_time(t, e->first_s * 1000000);
    sf_text_puts(t, ",\"last_seen\":");
    sf_text_json_time(t, e->last_s * 1000000);
    sf_text_puts(t, "}");
}

static void write_endpoints(sf_text *t, const sf_rollup_rows *in, const endpoints_query *q)
{
    size_t n = in->n, groups = 0;
    const sf_rollup_row **rows = malloc((n ? n : 1) * sizeof *rows);
    endpoint_stats *stats = malloc((n ? n : 1) * sizeof *stats);
    sf_latency_hist *h = malloc(sizeof *h);
    if (!rows || !stats || !h) {
        t->failed = true;
        n = 0;
    }
    for (size_t i = 0; i < n; i++)
        rows[i] = &in->rows[i];
    qsort(rows, n, sizeof *rows, by_route_method);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && by_route_method(&rows[i], &rows[j]) == 0; j++)
            ;
        summarise(&stats[groups++], rows + i, j - i, h);
    }
    qsort(stats, groups, sizeof *stats, by_requests);
    sf_text_puts(t, "{\"endpoints\":[");
    for (size_t i = 0; i < groups && i < (size_t)q->limit; i++)
        endpoint_item(t, &stats[i], q->window_s, i == 0);
    sf_text_printf(t, "],\"total\":%zu,\"start_time\":", groups);
    sf_text_json_string(t, q->start);
    sf_text_puts(t, ",\"end_time\":");
    sf_text_json_string(t, q->end);
    sf_text_puts(t, "}");
    free(rows);
    free(stats);
    free(h);
}

/* Frees q, ending its query's flight (api_cache.h). */
static void endpoints_query_done(void *p)
{
    endpoints_query *q = p;
    sf_api_cache_landed(q->key, q->generation);
    free(q);
}

static char *endpoints_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)status;
    endpoints_query *q = ctx;
    sf_rollup_rows rows;
    if (sf_rollups_read(conn, q->start, q->end, NULL, &rows, err, err_size))
        return NULL;
    sf_text t = {0};
    write_endpoints(&t, &rows, q);
    sf_rollups_free(&rows);
    char *text = sf_text_take(&t);
    if (!text)
        snprintf(err, err_size, "out of memory building the endpoints answer");
    else
        sf_api_cache_put(q->key, q->generation, text, strlen(text));
    return text;
}

void sf_api_endpoints(sf_request *r)
{
    sf_field_errors errs = {0};
    int64_t start_us, end_us, limit;
    sf_param_time_range(r, 24, &start_us, &end_us, &errs);
    sf_param_int(r, "limit", 100, 1, 1000, &limit, &errs);
    if (sf_params_reject(r, &errs, "query"))
        return;
    endpoints_query *q = calloc(1, sizeof *q);
    if (!q) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    sf_whole_minutes(&start_us, &end_us, q->start, q->end);
    /* the window holds the minutes from start's through end's */
    q->window_s = end_us >= start_us ? (double)(end_us - start_us) / 1e6 + 60 : 60;
    q->limit = limit;
    q->generation = sf_api_data_generation(r->app);
    snprintf(q->key, sizeof q->key, "endpoints|%s|%s|%lld", q->start, q->end, (long long)limit);
    if (sf_api_cache_reply(r, q->key, q->generation) || sf_api_cache_wait(r, q->key, q->generation)) {
        free(q);
        return;
    }
    sf_db_pool_submit_text(r->app->db_pool, r, endpoints_run, q, endpoints_query_done,
                           "application/json");
}
