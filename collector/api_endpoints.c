/* GET /api/endpoints (api.md): one row per route template and method with requests,
 * requests per second over the window, mean/max and p50/p95/p99 latency (merged rollup
 * histograms), error rate (>= 400), server error rate (5xx), anomalies, and the first and
 * last minute seen, for start_time..end_time (default: the last 24 h). Busiest first;
 * `limit` (1-1000, default 100) rows, `total` = routes in the window. From rollup_minute
 * only, cached per data generation like /api/metrics. */
#include "collector/api_endpoints.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_cache.h"
#include "collector/api_json_text.h"
#include "collector/api_metrics.h"
#include "collector/api_params.h"
#include "collector/app.h"

typedef struct endpoints_query {
    char start[SF_RFC3339_LEN], end[SF_RFC3339_LEN], limit[24];
    double window_s;
    char key[SF_API_CACHE_KEY_MAX];
    uint64_t generation;
} endpoints_query;

static double column(const PGresult *res, int row, int col)
{
    return strtod(PQgetvalue(res, row, col), NULL);
}

static void endpoint_row(sf_text *t, const PGresult *res, int row, const endpoints_query *q,
                         sf_latency_hist *h)
{
    double requests = column(res, row, 2);
    memset(h, 0, sizeof *h);
    sf_hist_merge_concatenated(h, sf_db_value(res, row, 11));
    sf_text_puts(t, row ? ",{\"endpoint\":" : "{\"endpoint\":");
    sf_text_json_string(t, PQgetvalue(res, row, 0));
    sf_text_puts(t, ",\"method\":");
    sf_text_json_string(t, PQgetvalue(res, row, 1));
    sf_text_printf(t, ",\"requests\":%s,\"rps\":", PQgetvalue(res, row, 2));
    sf_text_json_double(t, requests / q->window_s);
    const double values[] = {column(res, row, 6) / requests, column(res, row, 7),
                             sf_hist_quantile(h, 0.50), sf_hist_quantile(h, 0.95),
                             sf_hist_quantile(h, 0.99), column(res, row, 3) / requests,
                             column(res, row, 4) / requests};
    static const char *const names[] = {"avg_response_time_ms", "max_response_time_ms",
        "p50_response_time_ms", "p95_response_time_ms", "p99_response_time_ms", "error_rate",
        "server_error_rate"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        sf_text_printf(t, ",\"%s\":", names[i]);
        sf_text_json_double(t, values[i]);
    }
    sf_text_printf(t, ",\"errors\":%s,\"server_errors\":%s,\"anomalies\":%s,\"first_seen\":",
                   PQgetvalue(res, row, 3), PQgetvalue(res, row, 4), PQgetvalue(res, row, 5));
    sf_text_json_time(t, strtoll(PQgetvalue(res, row, 8), NULL, 10) * 1000000);
    sf_text_puts(t, ",\"last_seen\":");
    sf_text_json_time(t, strtoll(PQgetvalue(res, row, 9), NULL, 10) * 1000000);
    sf_text_puts(t, "}");
}

static char *endpoints_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)status;
    endpoints_query *q = ctx;
    const char *params[3] = {q->start, q->end, q->limit};
    PGresult *res = sf_db_query(conn,
        "SELECT route, method, sum(request_count)::bigint, sum(error_count)::bigint,"
        " sum(server_error_count)::bigint, sum(anomaly_count)::bigint, sum(sum_ms), max(max_ms),"
        " extract(epoch FROM min(minute))::bigint, extract(epoch FROM max(minute))::bigint,"
        " count(*) OVER (), string_agg(hist::text, '')"
        " FROM rollup_minute WHERE minute >= $1::timestamptz AND minute <= $2::timestamptz"
        " GROUP BY route, method ORDER BY 3 DESC, route, method LIMIT $3::int",
        3, params, err, err_size);
    if (!res)
        return NULL;
    sf_latency_hist *h = malloc(sizeof *h);
    sf_text t = {.failed = h == NULL};
    int rows = PQntuples(res);
    sf_text_puts(&t, "{\"endpoints\":[");
    for (int i = 0; h && i < rows; i++)
        endpoint_row(&t, res, i, q, h);
    sf_text_printf(&t, "],\"total\":%s,\"start_time\":", rows ? PQgetvalue(res, 0, 10) : "0");
    PQclear(res);
    free(h);
    sf_text_json_string(&t, q->start);
    sf_text_puts(&t, ",\"end_time\":");
    sf_text_json_string(&t, q->end);
    sf_text_puts(&t, "}");
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
    snprintf(q->limit, sizeof q->limit, "%lld", (long long)limit);
    q->generation = sf_api_data_generation(r->app);
    snprintf(q->key, sizeof q->key, "endpoints|%s|%s|%s", q->start, q->end, q->limit);
    if (sf_api_cache_reply(r, q->key, q->generation)) {
        free(q);
        return;
    }
    sf_db_pool_submit_text(r->app->db_pool, r, endpoints_run, q, free,
                           "application/json");
}
