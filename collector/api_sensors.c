/* Sensors (api.md). A sensor posts a heartbeat every 10 s: {"sensor_id", "hostname",
 * "interface", "version", "stats": {capture counters}}; it is upserted into `sensors`
 * (the last statistics replace the previous ones) and noted in the in-memory registry
 * that /api/health counts. GET /api/sensors lists them with the counters an operator
 * watches, read from the stored statistics (a value that is not a number shows as null:
 * a sensor's JSON is not trusted). POST /api/sensors makes an ingest token for a new
 * sensor; the token is shown once, only its hash is kept. */
#include "collector/api_sensors.h"
#include "collector/detect_sensors.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_params.h"
#include "collector/app.h"
#include "common/time_util.h"

#define TEXT_MAX 256
#define STATS_MAX 65536
#define ONLINE_US (300LL * 1000000) /* heard from in the last 5 minutes */

/* Flat counters of the list, and the stats key each comes from. */
static const char *const counters[][2] = {
    {"packets", "packets"},           {"kernel_drops", "kernel_drops"},
    {"interface_drops", "interface_drops"}, {"capture_loss_pct", "capture_loss_pct"},
    {"flows", "flows"},               {"transactions", "transactions"},
    {"parse_errors", "parse_errors"}, {"gaps", "tcp_gaps"},
    {"spooled_bytes", "spooled_bytes"}, {"records_sent", "records_sent"},
    {"records_dropped", "records_dropped"},
};

static json_t *sensor_json(const PGresult *res, int row, int64_t now_us)
{
    int64_t last_us = strtoll(PQgetvalue(res, row, 5), NULL, 10);
    char first[SF_RFC3339_LEN], last[SF_RFC3339_LEN];
    json_t *stats = json_loads(PQgetvalue(res, row, 6), 0, NULL);
    if (!json_is_object(stats)) {
        json_decref(stats);
        stats = json_object();
    }
    json_t *o = json_pack("{s:s,s:s?,s:s?,s:s?,s:s,s:s,s:b}", "id", PQgetvalue(res, row, 0),
        "hostname", sf_db_value(res, row, 1), "interface", sf_db_value(res, row, 2),
        "version", sf_db_value(res, row, 3),
        "first_seen", sf_time_format(strtoll(PQgetvalue(res, row, 4), NULL, 10), first, sizeof first),
        "last_seen", sf_time_format(last_us, last, sizeof last), "online", now_us - last_us < ONLINE_US);
    for (size_t i = 0; o && i < sizeof counters / sizeof counters[0]; i++) {
        json_t *v = json_object_get(stats, counters[i][1]);
        json_object_set_new(o, counters[i][0], json_is_number(v) ? json_copy(v) : json_null());
    }
    json_object_set_new(o, "stats", stats);
    return o;
}

static json_t *list_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)ctx, (void)status;
    PGresult *res = sf_db_query(conn, "SELECT sensor_id, hostname, interface, version,"
        " (extract(epoch FROM first_seen) * 1000000)::bigint,"
        " (extract(epoch FROM last_seen) * 1000000)::bigint, stats::text"
        " FROM sensors ORDER BY sensor_id", 0, NULL, err, err_size);
    if (!res)
        return NULL;
    json_t *list = json_array();
    int64_t now = sf_now_us();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(list, sensor_json(res, i, now));
    json_t *out = json_pack("{s:o,s:i}", "sensors", list, "total", PQntuples(res));
    PQclear(res);
    return out;
}

void sf_api_sensors(sf_request *r) { sf_db_pool_submit(r->app->db_pool, r, list_run, NULL, NULL); }

/* The request body as a JSON object, or NULL after answering 413/422. */
static json_t *body_object(sf_request *r)
{
    size_t len;
    const char *body = sf_request_body(r, &len);
    if ((int64_t)len > r->app->config.body_limit) {
        sf_reply_error(r, 413, "Request body too large");
        return NULL;
    }
    json_t *root = sf_json_load_bounded(body, len, 8, NULL);
    if (!json_is_object(root)) {
        json_decref(root);
        sf_field_errors errs = {0};
        sf_field_errors_add(&errs, "body", "json_invalid", "Body should be a JSON object");
        sf_reply_invalid(r, &errs, "body");
        return NULL;
    }
    return root;
}

/* A string member of 1..TEXT_MAX bytes (required or not); adds an error otherwise. */
static const char *text_member(json_t *obj, const char *key, bool required, sf_field_errors *errs)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            sf_field_errors_add(errs, key, "missing", "Field required");
        return NULL;
    }
    size_t n = json_is_string(v) ? json_string_length(v) : 0;
    if (!json_is_string(v) || n < 1 || n > TEXT_MAX || strlen(json_string_value(v)) != n) {
        sf_field_errors_add(errs, key, "string_type", "Input should be a string of 1-%d characters", TEXT_MAX);
        return NULL;
    }
    return json_string_value(v);
}

typedef struct heartbeat {
    char *params[5];               /* sensor_id, hostname, interface, version, stats */
} heartbeat;

static void heartbeat_free(void *p)
{
    heartbeat *h = p;
    for (int i = 0; i < 5; i++)
        free(h->params[i]);
    free(h);
}

static json_t *heartbeat_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)status;
    heartbeat *h = ctx;
    PGresult *res = sf_db_query(conn, "INSERT INTO sensors (sensor_id, hostname, interface,"
        " version, stats) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (sensor_id) DO UPDATE"
        " SET hostname = EXCLUDED.hostname, interface = EXCLUDED.interface,"
        " version = EXCLUDED.version, stats = EXCLUDED.stats, last_seen = now()",
        5, (const char *const *)h->params, err, err_size);
    if (!res)
        return NULL;
    PQclear(res);
    return json_pack("{s:s,s:s}", "status", "ok", "sensor_id", h->params[0]);
}

void sf_api_sensor_heartbeat(sf_request *r)
{
    json_t *root = body_object(r);
    if (!root)
        return;
    sf_field_errors errs = {0};
    static const char *const keys[] = {"sensor_id", "hostname", "interface", "version"};
    const char *values[4];
    for (int i = 0; i < 4; i++)
        values[i] = text_member(root, keys[i], i == 0, &errs);
    json_t *stats = json_object_get(root, "stats");
    char *stats_text = json_is_object(stats) ? json_dumps(stats, JSON_COMPACT) : strdup("{}");
    if (stats && !json_is_null(stats) && !json_is_object(stats))
        sf_field_errors_add(&errs, "stats", "dict_type", "Input should be an object");
    else if (stats_text && strlen(stats_text) > STATS_MAX)
        sf_field_errors_add(&errs, "stats", "too_long", "Statistics above %d bytes", STATS_MAX);
    heartbeat *h = errs.count ? NULL : calloc(1, sizeof *h);
    if (h) {
        for (int i = 0; i < 4; i++)
            h->params[i] = values[i] ? strdup(values[i]) : NULL;
        h->params[4] = stats_text;
        stats_text = NULL;
        sf_sensor_registry_seen(r->app->sensors, values[0], sf_now_us());
        if (r->app->sensor_watch)
            sf_sensor_watch_heartbeat(r->app->sensor_watch, values[0], sf_now_us());
    }
    free(stats_text);
    json_decref(root);
    if (sf_params_reject(r, &errs, "body"))
        return;
    if (!h || !h->params[0] || !h->params[4]) {
        if (h)
            heartbeat_free(h);
        sf_reply_internal(r, "out of memory");
        return;
    }
    sf_db_pool_submit(r->app->db_pool, r, heartbeat_run, h, heartbeat_free);
}

typedef struct token_request {
    char name[TEXT_MAX + 1];
} token_request;

static json_t *create_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    token_request *t = ctx;
    char token[SF_TOKEN_TEXT_MAX];
    if (sf_ingest_token_create(conn, t->name, token, err, err_size) != 0) {
        if (PQstatus(conn) != CONNECTION_OK || !strstr(err, "exists"))
            return NULL;
        *status = 409;
        return json_pack("{s:s}", "detail", "A token with that name already exists");
    }
    *status = 201;
    json_t *out = json_pack("{s:s,s:s,s:s}", "name", t->name, "token", token, "message",
                            "Store this token now: it is not shown again");
    sodium_memzero(token, sizeof token);
    return out;
}

void sf_api_sensor_create(sf_request *r)
{
    json_t *root = body_object(r);
    if (!root)
        return;
    sf_field_errors errs = {0};
    const char *name = text_member(root, "name", true, &errs);
    if (name && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") != strlen(name))
        sf_field_errors_add(&errs, "name", "string_pattern_mismatch",
                            "Use letters, digits and . _ : - only");
    token_request *t = errs.count ? NULL : calloc(1, sizeof *t);
    if (t)
        snprintf(t->name, sizeof t->name, "%s", name);
    json_decref(root);
    if (sf_params_reject(r, &errs, "body"))
        return;
    if (!t) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    sf_db_pool_submit(r->app->db_pool, r, create_run, t, free);
}
