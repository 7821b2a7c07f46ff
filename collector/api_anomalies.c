/* The anomaly list and the operator's actions on one anomaly (api.md).
 *
 * An anomaly is an incident (detect_incidents.h): one row per attack or symptom, with
 * `count` (records it covers), `first_seen` and `last_seen` (traffic time) and `subject`
 * (the client, route or sensor it is about), added to the reference's shape; its
 * traffic_log is the record that opened it (id null for an incident without one, such as
 * a route gone quiet).
 *
 * The list is one query over the anomalies table, which carries the traffic fields it
 * shows (no join, no query per anomaly), newest detection first (index anomalies_recent),
 * filtered by resolved, type, endpoint (route template or exact endpoint) and a
 * detected_at window. `total` needs a count over the whole filter, which is the costly
 * part with many anomalies: it is cached per data generation (api_cache.h), so it is only
 * counted again after something was stored or changed; so is each answer. */
#include "collector/api_anomalies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_cache.h"
#include "collector/api_params.h"
#include "collector/app.h"
#include "common/record.h"
#include "common/time_util.h"

/* The columns anomaly_json reads, in order. */
#define ANOMALY_COLUMNS                                                                    \
    "id, (extract(epoch FROM detected_at) * 1000000)::bigint, anomaly_score, anomaly_type," \
    " features::text, is_resolved, severity, reasons::text, label, detector, model_version," \
    " traffic_id, endpoint, method, status_code, response_time_ms,"                        \
    " (extract(epoch FROM coalesce(traffic_ts, first_seen)) * 1000000)::bigint, count,"    \
    " (extract(epoch FROM first_seen) * 1000000)::bigint,"                                 \
    " (extract(epoch FROM last_seen) * 1000000)::bigint, subject"

typedef struct list_query {
    const char *params[7];         /* resolved, type, endpoint, start, end, limit, offset */
    char *type, *endpoint;
    char resolved[8], start[SF_RFC3339_LEN], end[SF_RFC3339_LEN], limit[24], offset[24];
    int64_t limit_n, offset_n;
    char key[SF_API_CACHE_KEY_MAX];      /* of the total */
    char page_key[SF_API_CACHE_KEY_MAX]; /* of the whole answer */
    uint64_t generation;
    long long total;               /* cached total, or -1 */
} list_query;

static void list_query_free(void *p)
{
    list_query *q = p;
    free(q->type);
    free(q->endpoint);
    free(q);
}

/* Frees q, ending its query's flight (api_cache.h). */
static void list_query_done(void *p)
{
    list_query *q = p;
    sf_api_cache_landed(q->page_key, q->generation);
    list_query_free(q);
}

static json_t *json_text_or_null(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

static json_t *time_json(const char *epoch_us)
{
    char buf[SF_RFC3339_LEN];
    return json_string(sf_time_format(strtoll(epoch_us, NULL, 10), buf, sizeof buf));
}

static json_t *int_or_null(const char *text)
{
    return text ? json_integer(strtoll(text, NULL, 10)) : json_null();
}

/* One anomaly (a row of ANOMALY_COLUMNS) in the shape of api.md. */
static json_t *anomaly_json(const PGresult *res, int row)
{
    const char *label = sf_db_value(res, row, 8);
    json_t *traffic = json_pack("{s:o,s:s?,s:s?,s:o,s:f,s:o}",
        "id", int_or_null(sf_db_value(res, row, 11)), "endpoint", sf_db_value(res, row, 12),
        "method", sf_db_value(res, row, 13), "status_code", int_or_null(sf_db_value(res, row, 14)),
        "response_time_ms", strtod(PQgetvalue(res, row, 15), NULL),
        "timestamp", time_json(PQgetvalue(res, row, 16)));
    return json_pack("{s:o,s:o,s:f,s:s?,s:o,s:b,s:s?,s:o,s:o,s:s?,s:o,s:o,s:o,s:o,s:o,s:s?}",
        "id", int_or_null(sf_db_value(res, row, 0)), "detected_at", time_json(PQgetvalue(res, row, 1)),
        "anomaly_score", strtod(PQgetvalue(res, row, 2), NULL), "anomaly_type", sf_db_value(res, row, 3),
        "features", json_text_or_null(sf_db_value(res, row, 4)),
        "is_resolved", PQgetvalue(res, row, 5)[0] == 't', "severity", sf_db_value(res, row, 6),
        "reasons", json_text_or_null(sf_db_value(res, row, 7)),
        "label", label ? json_string(label) : json_null(), "detector", sf_db_value(res, row, 9),
        "model_version", int_or_null(sf_db_value(res, row, 10)), "traffic_log", traffic,
        "count", int_or_null(sf_db_value(res, row, 17)), "first_seen", time_json(PQgetvalue(res, row, 18)),
        "last_seen", time_json(PQgetvalue(res, row, 19)), "subject", sf_db_value(res, row, 20));
}

#define LIST_FILTER                                                                      \
    " FROM anomalies WHERE ($1::boolean IS NULL OR is_resolved = $1::boolean)"         \
    " AND ($2::text IS NULL OR anomaly_type = $2::text)"                               \
    " AND ($3::text IS NULL OR route = $3::text OR endpoint = $3::text)"               \
    " AND detected_at >= coalesce($4::timestamptz, '-infinity')"                       \
    " AND detected_at <= coalesce($5::timestamptz, 'infinity')"

static long long count_matching(PGconn *conn, list_query *q, char *err, size_t err_size)
{
    PGresult *res = sf_db_query(conn, "SELECT count(*)" LIST_FILTER, 5, q->params, err, err_size);
    if (!res)
        return -1;
    long long total = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    char text[24];
    snprintf(text, sizeof text, "%lld", total);
    sf_api_cache_put(q->key, q->generation, text, strlen(text));
    return total;
}

/* The page's ids are found first (an index scan over narrow rows), then only those rows
 * are read whole: with OFFSET, PostgreSQL would otherwise build every skipped row. */
static char *list_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)status;
    list_query *q = ctx;
    long long total = q->total >= 0 ? q->total : count_matching(conn, q, err, err_size);
    if (total < 0)
        return NULL;
    PGresult *res = sf_db_query(conn, "SELECT " ANOMALY_COLUMNS " FROM anomalies WHERE id IN"
                                " (SELECT id" LIST_FILTER " ORDER BY detected_at DESC, id DESC"
                                " LIMIT $6 OFFSET $7) ORDER BY detected_at DESC, id DESC",
                                7, q->params, err, err_size);
    if (!res)
        return NULL;
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(items, anomaly_json(res, i));
    PQclear(res);
    json_t *out = json_pack("{s:o,s:I,s:I,s:I}", "anomalies", items, "total", (json_int_t)total,
                            "limit", (json_int_t)q->limit_n, "offset", (json_int_t)q->offset_n);
    char *text = out ? json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(out);
    if (!text)
        snprintf(err, err_size, "out of memory building the anomaly list");
    else
        sf_api_cache_put(q->page_key, q->generation, text, strlen(text));
    return text;
}

/* Fills the filter parameters of q from the request; errors go to errs. */
static void parse_list(sf_request *r, list_query *q, sf_field_errors *errs)
{
    int resolved;
    bool has_start, has_end;
    int64_t start_us, end_us;
    sf_param_int(r, "limit", 50, 1, 1000, &q->limit_n, errs);
    sf_param_int(r, "offset", 0, 0, INT64_MAX / 2, &q->offset_n, errs);
    sf_param_bool(r, "resolved", &resolved, errs);
    const char *type = sf_param_text(r, "type", 64, errs);
    const char *endpoint = sf_param_text(r, "endpoint", SF_ENDPOINT_MAX, errs);
    sf_param_time(r, "start_time", &start_us, &has_start, errs);
    sf_param_time(r, "end_time", &end_us, &has_end, errs);
    q->type = type ? strdup(type) : NULL;
    q->endpoint = endpoint ? strdup(endpoint) : NULL;
    snprintf(q->resolved, sizeof q->resolved, "%s", resolved ? "true" : "false");
    sf_time_format(has_start ? start_us : 0, q->start, sizeof q->start);
    sf_time_format(has_end ? end_us : 0, q->end, sizeof q->end);
    snprintf(q->limit, sizeof q->limit, "%lld", (long long)q->limit_n);
    snprintf(q->offset, sizeof q->offset, "%lld", (long long)q->offset_n);
    const char *params[7] = {resolved < 0 ? NULL : q->resolved, q->type, q->endpoint,
                             has_start ? q->start : NULL, has_end ? q->end : NULL, q->limit,
                             q->offset};
    memcpy(q->params, params, sizeof params);
}

void sf_api_anomalies(sf_request *r)
{
    sf_field_errors errs = {0};
    list_query *q = calloc(1, sizeof *q);
    if (!q) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    parse_list(r, q, &errs);
    if (sf_params_reject(r, &errs, "query")) {
        list_query_free(q);
        return;
    }
    q->total = -1;
    q->generation = sf_api_data_generation(r->app);
    if (!q->endpoint || strlen(q->endpoint) < 600) {
        /* free text goes last, its length first: no two filters share a key */
        snprintf(q->key, sizeof q->key, "anomalies-total|%s|%s|%s|%zu:%s|%s",
                 q->params[0] ? q->params[0] : "", q->params[3] ? q->start : "",
                 q->params[4] ? q->end : "", q->type ? strlen(q->type) : 0,
                 q->type ? q->type : "", q->endpoint ? q->endpoint : "");
        snprintf(q->page_key, sizeof q->page_key, "anomalies|%s|%s|%s", q->limit, q->offset, q->key);
    }
    if (sf_api_cache_reply(r, q->page_key, q->generation) ||
        sf_api_cache_wait(r, q->page_key, q->generation)) {
        list_query_free(q);
        return;
    }
    size_t len;
    char *cached = sf_api_cache_get(q->key, q->generation, &len);
    if (cached)
        q->total = strtoll(cached, NULL, 10);
    free(cached);
    sf_db_pool_submit_text(r->app->db_pool, r, list_run, q, list_query_done, "application/json");
}

/* An update of one anomaly returning it: resolve or label. */
typedef struct update_query {
    char id[24];
    char label[16];
} update_query;

static json_t *update_one(PGconn *conn, const char *sql, int nparams, const char *const *params,
                          int *status, char *err, size_t err_size)
{
    PGresult *res = sf_db_query(conn, sql, nparams, params, err, err_size);
    if (!res)
        return NULL;
    json_t *out;
    if (PQntuples(res) == 0) {
        *status = 404;
        out = json_pack("{s:s}", "detail", "Anomaly not found");
    } else {
        out = anomaly_json(res, 0);
        sf_api_data_changed();
    }
    PQclear(res);
    return out;
}

static json_t *resolve_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    update_query *q = ctx;
    const char *params[1] = {q->id};
    return update_one(conn, "UPDATE anomalies SET is_resolved = true,"
                      " resolved_at = coalesce(resolved_at, now()) WHERE id = $1::bigint"
                      " RETURNING " ANOMALY_COLUMNS, 1, params, status, err, err_size);
}

static json_t *label_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    update_query *q = ctx;
    const char *params[2] = {q->id, q->label};
    return update_one(conn, "UPDATE anomalies SET label = $2::text WHERE id = $1::bigint"
                      " RETURNING " ANOMALY_COLUMNS, 2, params, status, err, err_size);
}

/* The anomaly id of the path; answers 422 and returns NULL when it is not a number. */
static update_query *update_query_for(sf_request *r)
{
    sf_field_errors errs = {0};
    int64_t id;
    sf_param_path_id(r, &id, &errs);
    if (sf_params_reject(r, &errs, "path"))
        return NULL;
    update_query *q = calloc(1, sizeof *q);
    if (!q) {
        sf_reply_internal(r, "out of memory");
        return NULL;
    }
    snprintf(q->id, sizeof q->id, "%lld", (long long)id);
    return q;
}

void sf_api_anomaly_resolve(sf_request *r)
{
    update_query *q = update_query_for(r);
    if (q)
        sf_db_pool_submit(r->app->db_pool, r, resolve_run, q, free);
}

/* {"label": "true_positive" | "false_positive"}: the label, or NULL with errs filled. */
static const char *parse_label(sf_request *r, sf_field_errors *errs)
{
    size_t len;
    const char *body = sf_request_body(r, &len);
    json_error_t jerr;
    json_t *root = sf_json_load_bounded(body, len, 4, &jerr);
    json_t *v = json_object_get(root, "label");
    const char *label = NULL;
    if (!json_is_object(root))
        sf_field_errors_add(errs, "body", "json_invalid", "Body should be a JSON object");
    else if (!v)
        sf_field_errors_add(errs, "label", "missing", "Field required");
    else if (json_is_string(v) && strcmp(json_string_value(v), "true_positive") == 0)
        label = "true_positive";
    else if (json_is_string(v) && strcmp(json_string_value(v), "false_positive") == 0)
        label = "false_positive";
    else
        sf_field_errors_add(errs, "label", "literal_error",
                            "Input should be 'true_positive' or 'false_positive'");
    json_decref(root);
    return label;
}

void sf_api_anomaly_label(sf_request *r)
{
    size_t len;
    sf_request_body(r, &len);
    if ((int64_t)len > r->app->config.body_limit) {
        sf_reply_error(r, 413, "Request body too large");
        return;
    }
    update_query *q = update_query_for(r);
    if (!q)
        return;
    sf_field_errors errs = {0};
    const char *label = parse_label(r, &errs);
    if (sf_params_reject(r, &errs, "body")) {
        free(q);
        return;
    }
    snprintf(q->label, sizeof q->label, "%s", label);
    sf_db_pool_submit(r->app->db_pool, r, label_run, q, free);
}
