/* GET /metrics (Prometheus text format 0.0.4). The process's own counters are read on the
 * loop (writer, ingest pipeline and its answers, database monitor, model, registry,
 * stream); what lives
 * in the database — anomalies stored by type, and each sensor's last capture counters
 * from its heartbeat — is read on a pool thread, which also writes the text. */
#include "collector/api_prometheus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_cache.h"
#include "collector/api_json_text.h"
#include "collector/app.h"
#include "common/time_util.h"

typedef struct process_state {
    sf_db_writer_stats writer;
    int pipeline_pending, model_version, live_sensors, subscribers, db_up;
    double uptime_s;
    uint64_t cache_evictions, sensors_forgotten;
    sf_detect_evictions detect;
    sf_ingest_metrics ingest;
    sf_rate_limit_stats limits;
    sf_http_server_stats conns;
} process_state;

/* Sensor statistics exported, with their stats key and help text. */
static const char *const sensor_series[][3] = {
    {"packets", "packets", "Packets captured"},
    {"kernel_drops", "kernel_drops", "Packets dropped by the kernel"},
    {"interface_drops", "interface_drops", "Packets dropped by the interface"},
    {"capture_loss_percent", "capture_loss_pct", "TCP bytes lost to gaps, percent"},
    {"flows", "flows", "TCP flows seen"},
    {"transactions", "transactions", "HTTP transactions reconstructed"},
    {"parse_errors", "parse_errors", "HTTP parse errors"},
    {"tcp_gaps", "tcp_gaps", "TCP gaps"},
    {"spooled_bytes", "spooled_bytes", "Bytes waiting in the sensor's spool"},
    {"records_sent", "records_sent", "Records sent to the collector"},
    {"records_dropped", "records_dropped", "Records the sensor dropped"},
};

static void series(sf_text *t, const char *name, const char *type, const char *help, double v)
{
    sf_text_printf(t, "# HELP securaflow_%s %s\n# TYPE securaflow_%s %s\nsecuraflow_%s %.17g\n",
                   name, help, name, type, name, v);
}

/* A label value: backslash, quote and newline escaped, as the format requires. */
static void label_value(sf_text *t, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            sf_text_printf(t, "\\%c", *s);
        else if (*s == '\n')
            sf_text_puts(t, "\\n");
        else
            sf_text_append(t, s, 1);
    }
}

static void process_series(sf_text *t, const process_state *p)
{
    series(t, "records_stored_total", "counter", "Records stored by the writer", (double)p->writer.records_written);
    series(t, "write_groups_total", "counter", "Write transactions committed", (double)p->writer.groups_written);
    series(t, "duplicate_batches_total", "counter", "Batches received again and not stored twice", (double)p->writer.duplicates);
    series(t, "database_errors_total", "counter", "Failed write attempts", (double)p->writer.db_errors);
    series(t, "ingest_queue_records", "gauge", "Records waiting for the writer", (double)p->writer.queued_records);
    series(t, "ingest_jobs_pending", "gauge", "Ingest requests waiting for or in decoding", p->pipeline_pending);
    series(t, "database_up", "gauge", "1 when the database answers", p->db_up);
    series(t, "model_version", "gauge", "Active model version (0: none)", p->model_version);
    series(t, "sensors_live", "gauge", "Sensors heard from in the last 5 minutes", p->live_sensors);
    series(t, "stream_subscribers", "gauge", "Live stream (SSE) clients", p->subscribers);
    series(t, "uptime_seconds", "gauge", "Seconds since the collector started", p->uptime_s);
    series(t, "client_table_evictions_total", "counter",
           "Clients forgotten by the full per-client context table", (double)p->detect.clients);
    series(t, "address_table_evictions_total", "counter",
           "Addresses forgotten by the full per-address flood table", (double)p->detect.addresses);
    series(t, "route_table_evictions_total", "counter",
           "Routes forgotten by the full per-route baseline table", (double)p->detect.routes);
    series(t, "incident_table_evictions_total", "counter",
           "Open incidents forgotten by the full incident table (their next finding opens a new one)",
           (double)p->detect.incidents);
    series(t, "api_cache_evictions_total", "counter",
           "Read API answers dropped from the full answer cache", (double)p->cache_evictions);
    series(t, "sensor_table_evictions_total", "counter",
           "Sensors forgotten by the full table of recent senders", (double)p->sensors_forgotten);
    series(t, "rate_limit_buckets", "gauge", "Rate-limit buckets in use", (double)p->limits.buckets);
    series(t, "rate_limit_buckets_max", "gauge", "Rate-limit buckets allowed (rate_limit_clients)",
           (double)p->limits.capacity);
    series(t, "rate_limit_memory_bytes", "gauge", "Memory of the rate-limit buckets and their index",
           (double)p->limits.bytes);
    series(t, "rate_limit_evictions_total", "counter",
           "Rate-limit buckets forgotten (least recently used) to make room", (double)p->limits.evictions);
    series(t, "rate_limited_total", "counter", "Requests refused with 429", (double)p->limits.refused);
    series(t, "http_connections", "gauge", "Open client connections", (double)p->conns.open);
    series(t, "http_connections_max", "gauge", "Open client connections allowed", (double)p->conns.max);
    series(t, "http_connections_closed_total", "counter",
           "Connections closed to make room (total or per-client cap reached)", (double)p->conns.shed);
    series(t, "http_accept_paused_total", "counter",
           "Times accepting paused because the process ran out of file descriptors",
           (double)p->conns.accept_pauses);
}

/* How ingest requests were answered: by status, and the wait of the 200s as a histogram. */
static void ingest_series(sf_text *t, const sf_ingest_metrics *m)
{
    sf_text_puts(t, "# HELP securaflow_ingest_requests_total Ingest requests answered, by status\n"
                    "# TYPE securaflow_ingest_requests_total counter\n");
    for (int i = 0; i < SF_INGEST_STATUSES; i++)
        sf_text_printf(t, "securaflow_ingest_requests_total{status=\"%s\"} %llu\n",
                       sf_ingest_status_label[i], (unsigned long long)m->answered[i]);
    sf_text_puts(t, "# HELP securaflow_ingest_request_seconds Time from an ingest request's"
                    " arrival to its 200 answer\n# TYPE securaflow_ingest_request_seconds histogram\n");
    for (int i = 0; i < SF_INGEST_BUCKETS; i++)
        sf_text_printf(t, "securaflow_ingest_request_seconds_bucket{le=\"%g\"} %llu\n",
                       sf_ingest_bucket_le[i], (unsigned long long)m->at_most[i]);
    sf_text_printf(t, "securaflow_ingest_request_seconds_bucket{le=\"+Inf\"} %llu\n"
                      "securaflow_ingest_request_seconds_sum %.17g\n"
                      "securaflow_ingest_request_seconds_count %llu\n",
                   (unsigned long long)m->count, m->sum_s, (unsigned long long)m->count);
}

static int anomaly_series(PGconn *conn, sf_text *t, char *err, size_t err_size)
{
    PGresult *res = sf_db_query(conn, "SELECT anomaly_type, count(*), count(*) FILTER (WHERE NOT is_resolved)"
                                " FROM anomalies GROUP BY 1 ORDER BY 1", 0, NULL, err, err_size);
    if (!res)
        return -1;
    static const char *const kinds[][2] = {
        {"anomalies", "Anomalies stored (within retention), by type"},
        {"anomalies_unresolved", "Anomalies not yet resolved, by type"}};
    for (int k = 0; k < 2; k++) {
        sf_text_printf(t, "# HELP securaflow_%s %s\n# TYPE securaflow_%s gauge\n", kinds[k][0],
                       kinds[k][1], kinds[k][0]);
        for (int i = 0; i < PQntuples(res); i++) {
            sf_text_printf(t, "securaflow_%s{type=\"", kinds[k][0]);
            label_value(t, PQgetvalue(res, i, 0));
            sf_text_printf(t, "\"} %s\n", PQgetvalue(res, i, 1 + k));
        }
    }
    PQclear(res);
    return 0;
}

static void sensor_values(sf_text *t, const PGresult *res, json_t **stats, const char *const s[3])
{
    sf_text_printf(t, "# HELP securaflow_sensor_%s %s (last heartbeat)\n# TYPE securaflow_sensor_%s gauge\n",
                   s[0], s[2], s[0]);
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *v = json_object_get(stats[i], s[1]);
        if (!json_is_number(v))
            continue;
        sf_text_printf(t, "securaflow_sensor_%s{sensor=\"", s[0]);
        label_value(t, PQgetvalue(res, i, 0));
        sf_text_printf(t, "\"} %.17g\n", json_number_value(v));
    }
}

static int sensor_series_all(PGconn *conn, sf_text *t, char *err, size_t err_size)
{
    PGresult *res = sf_db_query(conn, "SELECT sensor_id, stats::text, extract(epoch FROM last_seen)"
                                " FROM sensors ORDER BY 1", 0, NULL, err, err_size);
    if (!res)
        return -1;
    int n = PQntuples(res);
    json_t **stats = calloc((size_t)(n ? n : 1), sizeof *stats);
    for (int i = 0; stats && i < n; i++)
        stats[i] = json_loads(PQgetvalue(res, i, 1), 0, NULL);
    for (size_t k = 0; stats && k < sizeof sensor_series / sizeof sensor_series[0]; k++)
        sensor_values(t, res, stats, sensor_series[k]);
    sf_text_puts(t, "# HELP securaflow_sensor_last_seen_seconds Unix time of the last heartbeat\n"
                    "# TYPE securaflow_sensor_last_seen_seconds gauge\n");
    for (int i = 0; i < n; i++) {
        sf_text_puts(t, "securaflow_sensor_last_seen_seconds{sensor=\"");
        label_value(t, PQgetvalue(res, i, 0));
        sf_text_printf(t, "\"} %s\n", PQgetvalue(res, i, 2));
    }
    for (int i = 0; stats && i < n; i++)
        json_decref(stats[i]);
    t->failed |= stats == NULL;
    free(stats);
    PQclear(res);
    return 0;
}

static char *exposition_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)status;
    sf_text t = {0};
    process_series(&t, ctx);
    ingest_series(&t, &((const process_state *)ctx)->ingest);
    if (anomaly_series(conn, &t, err, err_size) || sensor_series_all(conn, &t, err, err_size)) {
        free(sf_text_take(&t));
        return NULL;
    }
    char *text = sf_text_take(&t);
    if (!text)
        snprintf(err, err_size, "out of memory building /metrics");
    return text;
}

void sf_api_prometheus(sf_request *r)
{
    sf_app *app = r->app;
    process_state *p = calloc(1, sizeof *p);
    if (!p) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    sf_db_writer_get_stats(app->writer, &p->writer);
    p->pipeline_pending = sf_ingest_pipeline_pending(app->ingest);
    p->model_version = sf_detectors_model_version(&app->detectors);
    p->live_sensors = sf_sensors_recent_count(app);
    p->subscribers = sf_live_stream_subscribers(app->stream);
    p->db_up = sf_db_monitor_connected(app->db_monitor);
    p->uptime_s = (double)(sf_monotonic_us() - app->started_us) / 1e6;
    p->ingest = app->ingest_metrics;
    sf_detectors_evictions(&app->detectors, &p->detect);
    p->cache_evictions = sf_api_cache_evictions();
    p->sensors_forgotten = sf_sensor_registry_forgotten(app->sensors);
    sf_rate_limit_get_stats(app->rate_limit, &p->limits);
    sf_http_server_get_stats(app->http, &p->conns);
    sf_db_pool_submit_text(app->db_pool, r, exposition_run, p, free,
                           "text/plain; version=0.0.4; charset=utf-8");
}
