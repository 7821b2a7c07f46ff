/* GET /api/metrics (api.md): request counts, mean latency, errors (>= 400), server
 * errors (5xx) and p95/p99 per time bucket (1m, 5m, 1h, 1d; aligned on the Unix epoch, so
 * hours and days start at :00 and midnight UTC) and route template, newest first, for
 * start_time..end_time (default: the last 24 h): the whole window, as the reference
 * answered (its clients sum the rows), or, when `limit` (1-10000) is given, one page of
 * that many rows from `offset`, with `total` = the rows of the whole window. Served from rollup_minute only (api_rollups.h):
 * PostgreSQL picks and counts the page's (bucket, route) groups, their rows are grouped
 * here and their sparse latency histograms merged to read the percentiles. The cost
 * depends on the number of minutes and routes in the window and on the page size, never
 * on how many requests were stored. Answers are cached per data generation
 * (api_cache.h). */
#include "collector/api_metrics.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_cache.h"
#include "collector/api_json_text.h"
#include "collector/api_params.h"
#include "collector/api_rollups.h"
#include "collector/app.h"
#include "common/record.h"

#define LIMIT_MAX 10000
#define LIMIT_WHOLE_WINDOW (INT64_MAX / 4) /* no limit asked for: every row */

typedef struct metrics_query {
    char start[SF_RFC3339_LEN], end[SF_RFC3339_LEN];
    sf_rollup_page page;           /* bucket width, limit, offset */
    char *route;                   /* NULL: every route */
    char key[SF_API_CACHE_KEY_MAX];
    uint64_t generation;
} metrics_query;

static void metrics_query_free(void *p)
{
    metrics_query *q = p;
    free(q->route);
    free(q);
}

/* Also the end of the query's flight (api_cache.h). */
static void metrics_query_done(void *p)
{
    metrics_query *q = p;
    sf_api_cache_landed(q->key, q->generation);
    free(q->route);
    free(q);
}

/* Bucket width in seconds for a `bucket` value, 0 if unknown. */
static int64_t bucket_seconds(const char *bucket)
{
    static const struct { const char *name; int64_t s; } widths[] = {
        {"1m", 60}, {"5m", 300}, {"1h", 3600}, {"1d", 86400}};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
        if (strcmp(bucket, widths[i].name) == 0)
            return widths[i].s;
    return 0;
}

/* A rollup row with its bucket, for sorting. */
typedef struct rollup_ref {
    int64_t bucket_s;
    const sf_rollup_row *row;
} rollup_ref;

/* Newest bucket first, then route: the order of the answer, and each group contiguous. */
static int by_bucket_route(const void *a, const void *b)
{
    const rollup_ref *x = a, *y = b;
    if (x->bucket_s != y->bucket_s)
        return x->bucket_s < y->bucket_s ? 1 : -1;
    return strcmp(x->row->route, y->row->route);
}

/* Writes the group refs[0..n) (one bucket and route) as one metrics item. */
static void metric_item(sf_text *t, const rollup_ref *refs, size_t n, const sf_rollup_row **rows,
                        sf_latency_hist *h, bool first)
{
    long long count = 0, errors = 0, server_errors = 0;
    double sum_ms = 0;
    for (size_t i = 0; i < n; i++) {
        rows[i] = refs[i].row;
        count += rows[i]->requests;
        errors += rows[i]->errors;
        server_errors += rows[i]->server_errors;
        sum_ms += rows[i]->sum_ms;
    }
    sf_rollups_merge_hist(h, rows, n);
    sf_text_puts(t, first ? "{\"time_window\":" : ",{\"time_window\":");
    sf_text_json_time(t, refs[0].bucket_s * 1000000);
    sf_text_puts(t, ",\"endpoint\":");
    sf_text_json_string(t, refs[0].row->route);
    sf_text_printf(t, ",\"request_count\":%lld,\"avg_response_time_ms\":", count);
    sf_text_json_double(t, count > 0 ? sum_ms / (double)count : 0);
    sf_text_printf(t, ",\"error_count\":%lld,\"server_error_count\":%lld,"
                   "\"p95_response_time_ms\":", errors, server_errors);
    sf_text_json_double(t, h->total ? sf_hist_quantile(h, 0.95) : NAN);
    sf_text_puts(t, ",\"p99_response_time_ms\":");
    sf_text_json_double(t, h->total ? sf_hist_quantile(h, 0.99) : NAN);
    sf_text_puts(t, "}");
}

static void write_metrics(sf_text *t, const sf_rollup_rows *in, const sf_rollup_page *page)
{
    int64_t bucket_s = page->bucket_s;
    size_t n = in->n, groups = 0;
    rollup_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    const sf_rollup_row **rows = malloc((n ? n : 1) * sizeof *rows);
    sf_latency_hist *h = malloc(sizeof *h);
    if (!refs || !rows || !h) {
        t->failed = true;
        n = 0;
    }
    for (size_t i = 0; i < n; i++)
        refs[i] = (rollup_ref){in->rows[i].minute_s - in->rows[i].minute_s % bucket_s, &in->rows[i]};
    qsort(refs, n, sizeof *refs, by_bucket_route);
    sf_text_puts(t, "{\"metrics\":[");
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && by_bucket_route(&refs[i], &refs[j]) == 0; j++)
            ;
        metric_item(t, refs + i, j - i, rows, h, groups++ == 0);
    }
    if (page->limit == LIMIT_WHOLE_WINDOW)
        sf_text_printf(t, "],\"total\":%lld,\"limit\":null,\"offset\":%lld}", in->groups,
                       (long long)page->offset);
    else
        sf_text_printf(t, "],\"total\":%lld,\"limit\":%lld,\"offset\":%lld}", in->groups,
                       (long long)page->limit, (long long)page->offset);
    free(refs);
    free(rows);
    free(h);
}

static char *metrics_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)status;
    metrics_query *q = ctx;
    sf_rollup_rows rows;
    if (sf_rollups_read_page(conn, q->start, q->end, q->route, &q->page, &rows, err, err_size))
        return NULL;
    sf_text t = {0};
    write_metrics(&t, &rows, &q->page);
    sf_rollups_free(&rows);
    char *text = sf_text_take(&t);
    if (!text)
        snprintf(err, err_size, "out of memory building the metrics answer");
    else
        sf_api_cache_put(q->key, q->generation, text, strlen(text));
    return text;
}

/* Reads the query into the window, page and route; false when it answered 422. */
static bool metrics_params(sf_request *r, int64_t *start_us, int64_t *end_us,
                           sf_rollup_page *page, const char **route)
{
    sf_field_errors errs = {0};
    sf_param_time_range(r, 24, start_us, end_us, &errs);
    const char *bucket = sf_param_text(r, "bucket", 8, &errs);
    page->bucket_s = bucket_seconds(bucket ? bucket : "1m");
    if (!page->bucket_s && bucket)
        sf_field_errors_add(&errs, "bucket", "literal_error", "Input should be '1m', '5m', '1h' or '1d'");
    sf_param_int(r, "limit", LIMIT_WHOLE_WINDOW, 1, LIMIT_MAX, &page->limit, &errs);
    sf_param_int(r, "offset", 0, 0, INT64_MAX / 2, &page->offset, &errs);
    *route = sf_param_text(r, "endpoint", SF_ENDPOINT_MAX, &errs);
    return !sf_params_reject(r, &errs, "query");
}

void sf_api_metrics(sf_request *r)
{
    int64_t start_us, end_us;
    sf_rollup_page page;
    const char *route;
    if (!metrics_params(r, &start_us, &end_us, &page, &route))
        return;
    metrics_query *q = calloc(1, sizeof *q);
    if (!q || (route && !(q->route = strdup(route)))) {
        free(q);
        sf_reply_internal(r, "out of memory");
        return;
    }
    sf_whole_minutes(&start_us, &end_us, q->start, q->end);
    q->page = page;
    q->generation = sf_api_data_generation(r->app);
    if (!route || strlen(route) < 600)
        snprintf(q->key, sizeof q->key, "metrics|%lld|%lld|%lld|%s|%s|%s",
                 (long long)page.bucket_s, (long long)page.limit, (long long)page.offset,
                 q->start, q->end, route ? route : "");
    if (sf_api_cache_reply(r, q->key, q->generation) || sf_api_cache_wait(r, q->key, q->generation)) {
        metrics_query_free(q);
        return;
    }
    sf_db_pool_submit_text(r->app->db_pool, r, metrics_run, q, metrics_query_done,
                           "application/json");
}
