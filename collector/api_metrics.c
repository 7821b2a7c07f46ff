/* GET /api/metrics (api.md): request counts, mean latency, errors (>= 400), server
 * errors (5xx) and p95/p99 per time bucket (1m, 5m, 1h, 1d) and route template, newest
 * first, for start_time..end_time (default: the last 24 h). Served from rollup_minute
 * only: PostgreSQL sums the counters per bucket (date_bin) and hands over the bucket's
 * sparse latency histograms, which are merged here to read the percentiles. The cost
 * depends on the number of buckets and routes in the window, never on how many requests
 * were stored. Rollups have minute resolution, so the window is taken in whole minutes.
 * Answers are cached per data generation (api_cache.h). */
#include "collector/api_metrics.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_cache.h"
#include "collector/api_json_text.h"
#include "collector/api_params.h"
#include "collector/app.h"
#include "collector/latency_histogram.h"
#include "common/record.h"
#include "common/time_util.h"

#define US_PER_MINUTE 60000000LL

typedef struct metrics_query {
    char start[SF_RFC3339_LEN], end[SF_RFC3339_LEN];
    const char *interval;          /* PostgreSQL interval of the bucket */
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

static const char *bucket_interval(const char *bucket)
{
    static const char *const names[][2] = {
        {"1m", "1 minute"}, {"5m", "5 minutes"}, {"1h", "1 hour"}, {"1d", "1 day"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(bucket, names[i][0]) == 0)
            return names[i][1];
    return NULL;
}

void sf_hist_merge_concatenated(sf_latency_hist *h, const char *text)
{
    for (const char *p = text ? strchr(text, '{') : NULL; p; p = strchr(p + 1, '{'))
        sf_hist_merge_pg_array(h, p);
}

static void metric_row(sf_text *t, const PGresult *res, int row, sf_latency_hist *h)
{
    int64_t bucket_s = strtoll(PQgetvalue(res, row, 0), NULL, 10);
    double count = strtod(PQgetvalue(res, row, 2), NULL);
    memset(h, 0, sizeof *h);
    sf_hist_merge_concatenated(h, sf_db_value(res, row, 6));
    sf_text_puts(t, row ? ",{\"time_window\":" : "{\"time_window\":");
    sf_text_json_time(t, bucket_s * 1000000);
    sf_text_puts(t, ",\"endpoint\":");
    sf_text_json_string(t, PQgetvalue(res, row, 1));
    sf_text_printf(t, ",\"request_count\":%s,\"avg_response_time_ms\":", PQgetvalue(res, row, 2));
    sf_text_json_double(t, count > 0 ? strtod(PQgetvalue(res, row, 3), NULL) / count : 0);
    sf_text_printf(t, ",\"error_count\":%s,\"server_error_count\":%s,\"p95_response_time_ms\":",
                   PQgetvalue(res, row, 4), PQgetvalue(res, row, 5));
    sf_text_json_double(t, h->total ? sf_hist_quantile(h, 0.95) : NAN);
    sf_text_puts(t, ",\"p99_response_time_ms\":");
    sf_text_json_double(t, h->total ? sf_hist_quantile(h, 0.99) : NAN);
    sf_text_puts(t, "}");
}

static char *metrics_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)status;
    metrics_query *q = ctx;
    const char *params[4] = {q->interval, q->start, q->end, q->route};
    PGresult *res = sf_db_query(conn,
        "SELECT extract(epoch FROM date_bin($1::interval, minute, timestamptz 'epoch'))::bigint,"
        " route, sum(request_count)::bigint, sum(sum_ms), sum(error_count)::bigint,"
        " sum(server_error_count)::bigint, string_agg(hist::text, '')"
        " FROM rollup_minute WHERE minute >= $2::timestamptz AND minute <= $3::timestamptz"
        " AND ($4::text IS NULL OR route = $4::text)"
        " GROUP BY 1, 2 ORDER BY 1 DESC, 2", 4, params, err, err_size);
    if (!res)
        return NULL;
    sf_latency_hist *h = malloc(sizeof *h);
    sf_text t = {0};
    sf_text_puts(&t, "{\"metrics\":[");
    int rows = PQntuples(res);
    for (int i = 0; h && i < rows; i++)
        metric_row(&t, res, i, h);
    sf_text_printf(&t, "],\"total\":%d}", rows);
    PQclear(res);
    if (!h)
        t.failed = true;
    free(h);
    char *text = sf_text_take(&t);
    if (!text)
        snprintf(err, err_size, "out of memory building the metrics answer");
    else
        sf_api_cache_put(q->key, q->generation, text, strlen(text));
    return text;
}

void sf_whole_minutes(int64_t *start_us, int64_t *end_us, char start[SF_RFC3339_LEN],
                      char end[SF_RFC3339_LEN])
{
    *start_us = *start_us < 0 ? 0 : *start_us;
    *start_us -= *start_us % US_PER_MINUTE;
    *end_us = *end_us < 0 ? 0 : *end_us;
    *end_us -= *end_us % US_PER_MINUTE;
    sf_time_format(*start_us, start, SF_RFC3339_LEN);
    sf_time_format(*end_us, end, SF_RFC3339_LEN);
}

void sf_api_metrics(sf_request *r)
{
    sf_field_errors errs = {0};
    int64_t start_us, end_us;
    sf_param_time_range(r, 24, &start_us, &end_us, &errs);
    const char *bucket = sf_param_text(r, "bucket", 8, &errs);
    const char *interval = bucket_interval(bucket ? bucket : "1m");
    if (!interval && bucket)
        sf_field_errors_add(&errs, "bucket", "literal_error", "Input should be '1m', '5m', '1h' or '1d'");
    const char *route = sf_param_text(r, "endpoint", SF_ENDPOINT_MAX, &errs);
    if (sf_params_reject(r, &errs, "query"))
        return;
    metrics_query *q = calloc(1, sizeof *q);
    if (!q || (route && !(q->route = strdup(route)))) {
        free(q);
        sf_reply_internal(r, "out of memory");
        return;
    }
    /* Whole minutes: a rollup row stands for its minute. */
    sf_whole_minutes(&start_us, &end_us, q->start, q->end);
    q->interval = interval;
    q->generation = sf_api_data_generation(r->app);
    if (!route || strlen(route) < 600)
        snprintf(q->key, sizeof q->key, "metrics|%s|%s|%s|%s", interval, q->start, q->end,
                 route ? route : "");
    if (sf_api_cache_reply(r, q->key, q->generation)) {
        metrics_query_free(q);
        return;
    }
    sf_db_pool_submit_text(r->app->db_pool, r, metrics_run, q, metrics_query_free,
                           "application/json");
}
