/* Storing ingested traffic in one transaction per group (see traffic_store.h). */
#include "collector/traffic_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/copy_binary.h"
#include "collector/latency_histogram.h"
#include "collector/traffic_rows.h"
#include "common/log.h"
#include "common/time_util.h"

#define US_PER_DAY 86400000000LL

static int exec_ok(PGconn *c, const char *sql, char *err, size_t err_size)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        snprintf(err, err_size, "%s", PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

void sf_traffic_store_reset(sf_traffic_store *st)
{
    st->prepared = 0;
    st->incidents_prepared = 0;
    st->nknown = 0;
}

static int day_of(int64_t unix_us) { return (int)(unix_us >= 0 ? unix_us / US_PER_DAY : -1); }

int sf_traffic_store_ensure_partition(sf_traffic_store *st, int64_t unix_us, char *err,
                                      size_t err_size)
{
    int day = day_of(unix_us);
    for (int i = 0; i < st->nknown; i++)
        if (st->known_days[i] == day)
            return 0;
    time_t start = (time_t)day * 86400;
    struct tm tm;
    gmtime_r(&start, &tm);
    char name[32], from[SF_RFC3339_LEN], to[SF_RFC3339_LEN], sql[256];
    strftime(name, sizeof name, "traffic_logs_p%Y%m%d", &tm);
    sf_time_format((int64_t)day * US_PER_DAY, from, sizeof from);
    sf_time_format((int64_t)(day + 1) * US_PER_DAY, to, sizeof to);
    snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS %s PARTITION OF traffic_logs "
             "FOR VALUES FROM ('%s') TO ('%s')", name, from, to);
    if (exec_ok(st->conn, sql, err, err_size)) {
        /* Another collector may have made it a moment ago: check before failing. */
        char check[96];
        snprintf(check, sizeof check, "SELECT 1 FROM pg_class WHERE relname = '%s'", name);
        PGresult *r = PQexec(st->conn, check);
        int exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        PQclear(r);
        if (!exists)
            return -1;
    }
    st->known_days[st->nknown++ % 64] = day;
    if (st->nknown > 64)
        st->nknown = 64;
    return 0;
}

/* Claims the batch id; a conflict means an earlier copy was stored: fetch its counts. */
static int claim_batch(sf_traffic_store *st, sf_ingest_job *job, char *err, size_t err_size)
{
    char accepted[16], anomalies[16];
    snprintf(accepted, sizeof accepted, "%zu", job->count);
    snprintf(anomalies, sizeof anomalies, "%d", job->anomalies);
    char *rejected = json_dumps(job->rejected ? job->rejected : json_array(), JSON_COMPACT);
    const char *params[5] = {job->sensor_id, job->batch_id, accepted, rejected, anomalies};
    PGresult *r = PQexecParams(st->conn,
        "INSERT INTO ingest_batches (sensor_id, batch_id, accepted, rejected, anomalies) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1", 5, NULL, params,
        NULL, NULL, 0);
    free(rejected);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(st->conn));
        PQclear(r);
        return -1;
    }
    int claimed = PQntuples(r) == 1;
    PQclear(r);
    if (claimed)
        return 0;
    r = PQexecParams(st->conn, "SELECT accepted, rejected, anomalies FROM ingest_batches "
                     "WHERE sensor_id = $1 AND batch_id = $2", 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        snprintf(err, err_size, "duplicate batch lookup: %s", PQerrorMessage(st->conn));
        PQclear(r);
        return -1;
    }
    job->duplicate = true;
    job->stored_accepted = atoi(PQgetvalue(r, 0, 0));
    job->stored_rejected = json_loads(PQgetvalue(r, 0, 1), 0, NULL);
    job->stored_anomalies = atoi(PQgetvalue(r, 0, 2));
    PQclear(r);
    return 0;
}

static int next_traffic_id(sf_traffic_store *st, int64_t *id, char *err, size_t err_size)
{
    if (st->next_id >= st->end_id) {
        PGresult *r = PQexec(st->conn, "SELECT nextval('traffic_id_block_seq')");
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            snprintf(err, err_size, "%s", PQerrorMessage(st->conn));
            PQclear(r);
            return -1;
        }
        int64_t block = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        st->next_id = block * SF_ID_BLOCK;
        st->end_id = st->next_id + SF_ID_BLOCK;
    }
    *id = st->next_id++;
    return 0;
}

static int copy_begin(sf_traffic_store *st, const char *sql, char *err, size_t err_size)
{
    PGresult *r = PQexec(st->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    if (!ok)
        snprintf(err, err_size, "%s", PQerrorMessage(st->conn));
    PQclear(r);
    return ok ? 0 : -1;
}

/* Ends the COPY (aborting it when sent_ok is 0) and collects its outcome. */
static int copy_finish(sf_traffic_store *st, int sent_ok, char *err, size_t err_size)
{
    int ok = PQputCopyEnd(st->conn, sent_ok ? NULL : "writer could not send its rows") == 1;
    PGresult *r = PQgetResult(st->conn);
    ok = ok && sent_ok && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        snprintf(err, err_size, "COPY: %s", sent_ok ? PQerrorMessage(st->conn) : "out of memory building rows");
    PQclear(r);
    while ((r = PQgetResult(st->conn)))
        PQclear(r);
    return ok ? 0 : -1;
}

static int send_buffer(sf_traffic_store *st, const sf_copy_buffer *b)
{
    return !b->failed && PQputCopyData(st->conn, b->data, (int)b->len) == 1;
}

static int copy_rows(sf_traffic_store *st, const char *sql, char *err, size_t err_size)
{
    if (copy_begin(st, sql, err, err_size))
        return -1;
    return copy_finish(st, send_buffer(st, &st->copy), err, err_size);
}

/* The jobs' traffic rows, built by the ingest workers, framed by the binary header and
 * trailer. */
static int copy_traffic(sf_traffic_store *st, sf_ingest_job **jobs, size_t n, char *err,
                        size_t err_size)
{
    if (copy_begin(st, SF_TRAFFIC_COPY, err, err_size))
        return -1;
    sf_copyb_begin(&st->copy);
    int sent = send_buffer(st, &st->copy);
    for (size_t j = 0; j < n && sent; j++)
        if (!jobs[j]->duplicate && jobs[j]->count)
            sent = send_buffer(st, &jobs[j]->rows);
    sf_copy_reset(&st->copy);
    sf_copyb_end(&st->copy);
    sent = sent && send_buffer(st, &st->copy);
    return copy_finish(st, sent, err, err_size);
}

/* ---- incidents (detect_incidents.h): one anomaly row per incident, upserted ---- */

static int by_incident_key(const void *a, const void *b)
{
    return strcmp((*(sf_incident_update *const *)a)->key, (*(sf_incident_update *const *)b)->key);
}

/* Folds update b into a (same incident, another job of the group). */
static void merge_update(sf_incident_update *a, const sf_incident_update *b)
{
    if (b->rank > a->rank || (b->rank == a->rank && b->score > a->score)) {
        a->type = b->type;
        a->severity = b->severity;
        a->detector = b->detector;
        a->rank = b->rank;
        a->best = b->best;
        a->model_version = b->model_version;
        if (!b->best && b->reasons) { /* an incident without a record: its own texts */
            json_decref(a->reasons);
            json_decref(a->features);
            a->reasons = json_incref(b->reasons);
            a->features = json_incref(b->features);
        }
    }
    if (b->first_us < a->first_us) {
        a->first_us = b->first_us;
        if (b->first)
            a->first = b->first;
    }
    a->last_us = b->last_us > a->last_us ? b->last_us : a->last_us;
    a->score = b->score > a->score ? b->score : a->score;
    a->count += b->count;
}

static void incident_row(sf_copy_buffer *b, const sf_incident_update *u, int64_t detected_us)
{
    const sf_ingest_item *first = u->first, *best = u->best ? u->best : u->first;
    json_t *reasons = best ? best->reasons : u->reasons, *features = best ? best->features : u->features;
    char *reasons_text = json_dumps(reasons ? reasons : json_array(), JSON_COMPACT);
    char *features_text = json_dumps(features ? features : json_object(),
                                     JSON_COMPACT | JSON_REAL_PRECISION(6));
    sf_copy_text(b, u->key);
    sf_copy_text(b, u->subject);
    if (first) {
        sf_copy_int(b, first->traffic_id);
        sf_copy_time(b, first->ts_us);
    } else {
        sf_copy_text(b, NULL);
        sf_copy_text(b, NULL);
    }
    sf_copy_time(b, detected_us);
    sf_copy_double(b, u->score < 0 ? 0 : u->score);
    sf_copy_text(b, u->type);
    sf_copy_int(b, u->rank);
    sf_copy_text(b, u->severity);
    sf_copy_text(b, u->detector);
    sf_copy_text(b, reasons_text);
    sf_copy_text(b, features_text);
    sf_copy_int_or_null(b, u->model_version, 0);
    /* the traffic fields shown with it: the record that opened it, else the route */
    const char *route = first ? first->route : u->route;
    sf_copy_text(b, first ? first->rec.endpoint : route);
    sf_copy_text(b, route);
    sf_copy_text(b, first ? first->rec.method : "");
    sf_copy_int_or_null(b, first ? first->rec.status_code : 0, 0);
    sf_copy_double(b, first ? first->rec.response_time_ms : 0);
    sf_copy_bool(b, u->demo);
    sf_copy_int(b, u->count);
    sf_copy_time(b, u->first_us);
    sf_copy_time(b, u->last_us);
    sf_copy_end_row(b);
    free(reasons_text);
    free(features_text);
}

#define INCIDENT_COLUMNS "incident_key, subject, traffic_id, traffic_ts, detected_at, "    \
    "anomaly_score, anomaly_type, type_rank, severity, detector, reasons, features, "         \
    "model_version, endpoint, route, method, status_code, response_time_ms, demo, count, "    \
    "first_seen, last_seen"

/* A known incident takes the new count and times; its type, score and texts change when
 * the new finding ranks higher (a scan that turns into brute force), and a resolved one
 * opens again when it goes on. */
#define INCIDENT_UPSERT "INSERT INTO anomalies (" INCIDENT_COLUMNS ") SELECT " INCIDENT_COLUMNS \
    " FROM incident_in ON CONFLICT (incident_key) DO UPDATE SET "                              \
    "count = anomalies.count + EXCLUDED.count, "                                               \
    "first_seen = least(anomalies.first_seen, EXCLUDED.first_seen), "                          \
    "last_seen = greatest(anomalies.last_seen, EXCLUDED.last_seen), "                          \
    "anomaly_score = greatest(anomalies.anomaly_score, EXCLUDED.anomaly_score), "              \
    "anomaly_type = CASE WHEN EXCLUDED.type_rank > anomalies.type_rank THEN "                  \
    "  EXCLUDED.anomaly_type ELSE anomalies.anomaly_type END, "                                \
    "severity = CASE WHEN EXCLUDED.type_rank > anomalies.type_rank OR (EXCLUDED.type_rank = "  \
    "  anomalies.type_rank AND EXCLUDED.anomaly_score > anomalies.anomaly_score) THEN "        \
    "  EXCLUDED.severity ELSE anomalies.severity END, "                                        \
    "reasons = CASE WHEN EXCLUDED.type_rank > anomalies.type_rank OR (EXCLUDED.type_rank = "   \
    "  anomalies.type_rank AND EXCLUDED.anomaly_score > anomalies.anomaly_score) THEN "        \
    "  EXCLUDED.reasons ELSE anomalies.reasons END, "                                          \
    "features = CASE WHEN EXCLUDED.type_rank > anomalies.type_rank OR (EXCLUDED.type_rank = "  \
    "  anomalies.type_rank AND EXCLUDED.anomaly_score > anomalies.anomaly_score) THEN "        \
    "  EXCLUDED.features ELSE anomalies.features END, "                                        \
    "detector = CASE WHEN EXCLUDED.type_rank > anomalies.type_rank THEN EXCLUDED.detector "    \
    "  ELSE anomalies.detector END, "                                                          \
    "type_rank = greatest(anomalies.type_rank, EXCLUDED.type_rank), "                          \
    "is_resolved = false, resolved_at = NULL"

/* Upserts the incidents and hands each new one's id to the record that opened it (the live
 * stream announces it with the id the list and the resolve and label routes use). all:
 * the group's updates sorted by key, merged runs led by their first. */
static int note_ids(sf_traffic_store *st, sf_incident_update **all, size_t m, char *err,
                    size_t err_size)
{
    PGresult *r = PQexec(st->conn, INCIDENT_UPSERT " RETURNING incident_key, id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(st->conn));
        PQclear(r);
        return -1;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        const char *key = PQgetvalue(r, i, 0);
        size_t lo = 0, hi = m;
        while (lo < hi) { /* the first update with this key */
            size_t mid = (lo + hi) / 2;
            if (strcmp(all[mid]->key, key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        int64_t id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        for (; lo < m && strcmp(all[lo]->key, key) == 0; lo++)
            if (all[lo]->first && all[lo]->first->incident_opened)
                ((sf_ingest_item *)all[lo]->first)->anomaly_id = id;
    }
    PQclear(r);
    return 0;
}

static int write_incidents(sf_traffic_store *st, sf_ingest_job **jobs, size_t n, char *err,
                           size_t err_size)
{
    size_t total = 0, m = 0;
    for (size_t j = 0; j < n; j++)
        total += jobs[j]->duplicate ? 0 : jobs[j]->n_incidents;
    if (total == 0)
        return 0;
    sf_incident_update **all = malloc(total * sizeof *all);
    if (!all) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; !jobs[j]->duplicate && k < jobs[j]->n_incidents; k++)
            all[m++] = &jobs[j]->incidents[k];
    qsort(all, m, sizeof *all, by_incident_key);
    if (!st->incidents_prepared) {
        if (exec_ok(st->conn, "CREATE TEMP TABLE IF NOT EXISTS incident_in AS SELECT "
                              INCIDENT_COLUMNS " FROM anomalies LIMIT 0", err, err_size)) {
            free(all);
            return -1;
        }
        st->incidents_prepared = 1;
    }
    sf_copy_reset(&st->copy);
    int64_t now = sf_now_us();
    for (size_t i = 0, k; i < m; i = k) {
        for (k = i + 1; k < m && strcmp(all[i]->key, all[k]->key) == 0; k++)
            merge_update(all[i], all[k]);
        incident_row(&st->copy, all[i], now);
    }
    int rc = -1;
    if (exec_ok(st->conn, "TRUNCATE incident_in", err, err_size) == 0 &&
        copy_rows(st, "COPY incident_in (" INCIDENT_COLUMNS ") FROM STDIN", err, err_size) == 0)
        rc = note_ids(st, all, m, err, err_size);
    free(all);
    return rc;
}

/* Items of the group that are stored (not in duplicate batches), for sorting. */
typedef struct stored_item {
    const sf_ingest_item *item;
    int64_t minute;
} stored_item;

static int by_rollup_key(const void *a, const void *b)
{
    const stored_item *x = a, *y = b;
    if (x->minute != y->minute)
        return x->minute < y->minute ? -1 : 1;
    int c = strcmp(x->item->route, y->item->route);
    return c ? c : strcmp(x->item->rec.method, y->item->rec.method);
}

static void rollup_row(sf_copy_buffer *b, const stored_item *first, size_t n)
{
    sf_latency_hist *h = calloc(1, sizeof *h);
    int64_t errors = 0, server_errors = 0, anomalies = 0;
    double sum = 0, max = 0;
    for (size_t i = 0; i < n; i++) {
        const sf_ingest_item *it = first[i].item;
        double ms = it->rec.response_time_ms;
        errors += it->rec.status_code >= 400;
        server_errors += it->rec.status_code >= 500;
        anomalies += it->is_anomaly;
        sum += ms;
        max = ms > max ? ms : max;
        if (h)
            sf_hist_add(h, ms);
    }
    char text[SF_HIST_TEXT_MAX];
    size_t len = h ? sf_hist_to_pg_array(h, text) : 2;
    if (!h)
        memcpy(text, "{}", 3);
    free(h);
    sf_copy_time(b, first[0].minute * 60000000LL);
    sf_copy_text(b, first[0].item->route);
    sf_copy_text(b, first[0].item->rec.method);
    sf_copy_int(b, (int64_t)n);
    sf_copy_int(b, errors);
    sf_copy_int(b, server_errors);
    sf_copy_int(b, anomalies);
    sf_copy_double(b, sum);
    sf_copy_double(b, max);
    sf_copy_raw(b, text, len);
    sf_copy_end_row(b);
}

static int write_rollups(sf_traffic_store *st, stored_item *items, size_t n, char *err,
                         size_t err_size)
{
    if (n == 0)
        return 0;
    if (!st->prepared) {
        if (exec_ok(st->conn, "CREATE TEMP TABLE IF NOT EXISTS rollup_in "
                              "(LIKE rollup_minute) ON COMMIT DELETE ROWS", err, err_size))
            return -1;
        st->prepared = 1;
    }
    qsort(items, n, sizeof *items, by_rollup_key); /* also a fixed lock order */
    sf_copy_reset(&st->copy);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && by_rollup_key(&items[i], &items[j]) == 0; j++)
            ;
        rollup_row(&st->copy, &items[i], j - i);
    }
    if (copy_rows(st, "COPY rollup_in FROM STDIN", err, err_size))
        return -1;
    return exec_ok(st->conn,
        "INSERT INTO rollup_minute SELECT * FROM rollup_in ORDER BY minute, route, method "
        "ON CONFLICT (minute, route, method) DO UPDATE SET "
        "request_count = rollup_minute.request_count + EXCLUDED.request_count, "
        "error_count = rollup_minute.error_count + EXCLUDED.error_count, "
        "server_error_count = rollup_minute.server_error_count + EXCLUDED.server_error_count, "
        "anomaly_count = rollup_minute.anomaly_count + EXCLUDED.anomaly_count, "
        "sum_ms = rollup_minute.sum_ms + EXCLUDED.sum_ms, "
        "max_ms = greatest(rollup_minute.max_ms, EXCLUDED.max_ms), "
        "hist = sf_hist_merge(rollup_minute.hist, EXCLUDED.hist)", err, err_size);
}

/* Claims batches, assigns ids, and lists the items to store. */
static int prepare_group(sf_traffic_store *st, sf_ingest_job **jobs, size_t n,
                         stored_item *stored, size_t *nstored, char *err, size_t err_size)
{
    *nstored = 0;
    for (size_t j = 0; j < n; j++) {
        sf_ingest_job *job = jobs[j];
        if (job->batch_id[0] && claim_batch(st, job, err, err_size))
            return -1;
        if (job->duplicate)
            continue;
        for (size_t i = 0; i < job->count; i++) {
            sf_ingest_item *it = &job->items[i];
            if (next_traffic_id(st, &it->traffic_id, err, err_size))
                return -1;
            sf_traffic_rows_set_id(job, i, it->traffic_id);
            stored[*nstored].item = it;
            stored[(*nstored)++].minute = it->ts_us / 60000000LL;
        }
    }
    return 0;
}

static int write_items(sf_traffic_store *st, sf_ingest_job **jobs, size_t n, stored_item *stored,
                       size_t nstored, char *err, size_t err_size)
{
    if (nstored == 0)
        return write_incidents(st, jobs, n, err, err_size); /* incidents without records */
    if (copy_traffic(st, jobs, n, err, err_size) || write_incidents(st, jobs, n, err, err_size))
        return -1;
    return write_rollups(st, stored, nstored, err, err_size);
}

static int by_sensor_id(const void *a, const void *b)
{
    return strcmp((*(sf_ingest_job *const *)a)->sensor_id, (*(sf_ingest_job *const *)b)->sensor_id);
}

/* Every sender of a stored batch is listed in sensors with its last time, heartbeat or not
 * (GET /api/sensors, like /api/health's count). Distinct ids in sorted order: concurrent
 * writers and heartbeats take these row locks in one order. */
static int note_senders(sf_traffic_store *st, sf_ingest_job **jobs, size_t n, char *err,
                        size_t err_size)
{
    sf_ingest_job **senders = malloc((n ? n : 1) * sizeof *senders);
    size_t m = 0;
    if (!senders) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < n; j++)
        if (jobs[j]->sensor_id[0] && !jobs[j]->duplicate)
            senders[m++] = jobs[j];
    qsort(senders, m, sizeof *senders, by_sensor_id);
    int rc = 0;
    for (size_t k = 0; k < m && rc == 0; k++) {
        if (k > 0 && strcmp(senders[k]->sensor_id, senders[k - 1]->sensor_id) == 0)
            continue;
        const char *params[1] = {senders[k]->sensor_id};
        PGresult *r = PQexecParams(st->conn,
            "INSERT INTO sensors (sensor_id) VALUES ($1) ON CONFLICT (sensor_id) "
            "DO UPDATE SET last_seen = greatest(sensors.last_seen, now())", 1, NULL, params,
            NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            snprintf(err, err_size, "%s", PQerrorMessage(st->conn));
            rc = -1;
        }
        PQclear(r);
    }
    free(senders);
    return rc;
}

static int ensure_partitions(sf_traffic_store *st, sf_ingest_job **jobs, size_t n, char *err,
                             size_t err_size)
{
    int last_day = -2;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < jobs[j]->count; i++) {
            int64_t ts = jobs[j]->items[i].ts_us;
            if (day_of(ts) == last_day)
                continue;
            if (sf_traffic_store_ensure_partition(st, ts, err, err_size))
                return -1;
            last_day = day_of(ts);
        }
    return 0;
}

int sf_traffic_store_write(sf_traffic_store *st, sf_ingest_job **jobs, size_t n, char *err,
                           size_t err_size)
{
    size_t total = 0, nstored = 0;
    for (size_t j = 0; j < n; j++) {
        jobs[j]->duplicate = false;
        total += jobs[j]->count;
    }
    /* Partitions first, in their own short transactions: DDL on the parent inside the
     * group's transaction would hold readers off until it commits. */
    if (ensure_partitions(st, jobs, n, err, err_size))
        return -1;
    stored_item *stored = malloc((total ? total : 1) * sizeof *stored);
    if (!stored) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    int rc = exec_ok(st->conn, "BEGIN", err, err_size);
    if (rc == 0)
        rc = prepare_group(st, jobs, n, stored, &nstored, err, err_size);
    if (rc == 0)
        rc = write_items(st, jobs, n, stored, nstored, err, err_size);
    if (rc == 0)
        rc = note_senders(st, jobs, n, err, err_size);
    if (rc == 0)
        rc = exec_ok(st->conn, "COMMIT", err, err_size);
    if (rc != 0) {
        PQclear(PQexec(st->conn, "ROLLBACK"));
        st->next_id = st->end_id; /* ids of a failed group may have been seen: skip them */
    }
    free(stored);
    return rc;
}

int sf_traffic_store_retention(sf_traffic_store *st, int keep_days, int keep_aggregate_days,
                               char *err, size_t err_size)
{
    char cutoff[32];
    /* Whole days are dropped; one day of slack keeps every accepted record (ingest refuses
     * records older than keep_days plus an hour) for at least keep_days. */
    time_t t = time(NULL) - (time_t)(keep_days + 1) * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(cutoff, sizeof cutoff, "traffic_logs_p%Y%m%d", &tm);
    const char *params[1] = {cutoff};
    PGresult *r = PQexecParams(st->conn,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'traffic_logs' "
        "AND c.relname ~ '^traffic_logs_p[0-9]{8}$' AND c.relname < $1 ORDER BY 1", 1, NULL,
        params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(st->conn));
        PQclear(r);
        return -1;
    }
    int dropped = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", PQgetvalue(r, i, 0));
        if (exec_ok(st->conn, sql, err, err_size) == 0)
            dropped++;
    }
    PQclear(r);
    st->nknown = 0;
    char days[16];
    snprintf(days, sizeof days, "%d", keep_aggregate_days);
    const char *p2[1] = {days};
    PQclear(PQexecParams(st->conn, "DELETE FROM rollup_minute WHERE minute < now() - make_interval(days => $1::int)",
                         1, NULL, p2, NULL, NULL, 0));
    /* an incident goes when its last record is old, not its first (it may still be going on) */
    PQclear(PQexecParams(st->conn, "DELETE FROM anomalies WHERE last_seen < now() - make_interval(days => $1::int)",
                         1, NULL, p2, NULL, NULL, 0));
    PQclear(PQexec(st->conn, "DELETE FROM ingest_batches WHERE stored_at < now() - interval '30 days'"));
    return dropped;
}
