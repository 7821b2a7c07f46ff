/* The model's life in the collector (see model_manager.h). */
#include "collector/detect_model.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/ingest_decode.h"
#include "common/log.h"
#include "common/time_util.h"
#include "model/model.h"

#define POLL_INTERVAL_S 2

extern const unsigned char sf_starter_model[];
extern const size_t sf_starter_model_len;

struct sf_model_manager {
    sf_model_manager_config cfg;
    sf_detectors *detectors;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping, train_requested, training, nudged;
    bool recheck;                /* manager thread only: a milestone judged, not yet stored */
    char state[16], source[16], last_error[256];
    int64_t train_started_us, train_finished_us, last_train_rows;
    int64_t stored_at_start;     /* real records in the database when we started */
    int64_t next_milestone;      /* retrain when the site has this many records */
    int active_version;
    pthread_t thread;
    PGconn *conn;
};

static void set_state(sf_model_manager *m, const char *state, const char *error)
{
    pthread_mutex_lock(&m->lock);
    snprintf(m->state, sizeof m->state, "%s", state);
    if (error)
        snprintf(m->last_error, sizeof m->last_error, "%s", error);
    pthread_mutex_unlock(&m->lock);
}

/* Loads a model blob and checks it was made for this build's feature schema. */
static sf_iforest *load_checked(const void *bytes, size_t len, char *err, size_t err_size)
{
    sf_iforest *model = sf_model_load_buffer(bytes, len, err, err_size);
    if (model && model->schema_version != SF_HTTP_SCHEMA_VERSION) {
        snprintf(err, err_size, "model has feature schema %u, this collector uses %u",
                 model->schema_version, SF_HTTP_SCHEMA_VERSION);
        sf_if_free(model);
        return NULL;
    }
    return model;
}

/* Stores model as the new active version; returns the version or -1. */
static int store_model(sf_model_manager *m, const sf_iforest *model, const char *source,
                       char *err, size_t err_size)
{
    unsigned char *blob;
    size_t len;
    if (sf_model_serialize(model, &blob, &len, err, err_size))
        return -1;
    char rows[24], threshold[32], params[256];
    snprintf(rows, sizeof rows, "%llu", (unsigned long long)model->train_rows);
    snprintf(threshold, sizeof threshold, "%.17g", model->threshold);
    snprintf(params, sizeof params, "{\"source\":\"%s\",\"trees\":%u,\"sample_size\":%u,"
             "\"contamination\":%g,\"seed\":%llu}", source, model->n_trees, model->sample_size,
             model->contamination, (unsigned long long)model->seed);
    const char *values[4] = {rows, params, threshold, (const char *)blob};
    int lengths[4] = {0, 0, 0, (int)len};
    int formats[4] = {0, 0, 0, 1};
    PQclear(PQexec(m->conn, "BEGIN"));
    /* Collectors sharing the database activate one at a time: without the lock, two
     * trained at once would both insert an active row and one would fail on
     * models_one_active. The last to commit is the active version; the others load it
     * within POLL_INTERVAL_S (sync_active). */
    PQclear(PQexec(m->conn, "SELECT pg_advisory_xact_lock(7265814)"));
    PQclear(PQexec(m->conn, "UPDATE models SET active = false WHERE active"));
    PGresult *r = PQexecParams(m->conn, "INSERT INTO models (training_rows, params, threshold, blob, "
                               "active) VALUES ($1, $2, $3, $4, true) RETURNING version", 4, NULL,
                               values, lengths, formats, 0);
    int version = PQresultStatus(r) == PGRES_TUPLES_OK ? atoi(PQgetvalue(r, 0, 0)) : -1;
    if (version < 0)
        snprintf(err, err_size, "%s", PQerrorMessage(m->conn));
    PQclear(r);
    PQclear(PQexec(m->conn, version < 0 ? "ROLLBACK" : "COMMIT"));
    free(blob);
    return version;
}

static void activate(sf_model_manager *m, sf_iforest *model, int version, const char *source)
{
    sf_detectors_set_model(m->detectors, model, version, strcmp(source, "starter") != 0);
    pthread_mutex_lock(&m->lock);
    m->active_version = version;
    snprintf(m->source, sizeof m->source, "%s", source);
    pthread_mutex_unlock(&m->lock);
    sf_logf(SF_LOG_INFO, "model version %d active (%s)", version, source);
}

/* Loads the active model if it is not the one in use (start, or another collector). */
static void sync_active(sf_model_manager *m)
{
    PGresult *r = PQexecParams(m->conn, "SELECT version, blob, params->>'source' FROM models "
                               "WHERE active", 0, NULL, NULL, NULL, NULL, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return;
    }
    char err[256];
    if (PQntuples(r) == 1) {
        uint32_t be;
        memcpy(&be, PQgetvalue(r, 0, 0), sizeof be); /* binary int4: big-endian */
        int version = (int)ntohl(be);
        if (version != m->active_version) {
            sf_iforest *model = load_checked(PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1),
                                             err, sizeof err);
            if (model) {
                activate(m, model, version, PQgetisnull(r, 0, 2) ? "trained" : PQgetvalue(r, 0, 2));
            } else {
                /* e.g. made by an older build with other features: start over from the
                 * starter rather than run without a model */
                sf_logf(SF_LOG_WARN, "active model version %d cannot be used (%s); "
                        "falling back to the starter model", version, err);
                PQclear(r);
                r = NULL;
            }
        }
        if (r) {
            PQclear(r);
            return;
        }
    } else {
        PQclear(r);
    }
    sf_iforest *starter = load_checked(sf_starter_model, sf_starter_model_len, err, sizeof err);
    int version = starter ? store_model(m, starter, "starter", err, sizeof err) : -1;
    if (version > 0)
        activate(m, starter, version, "starter");
    else {
        sf_logf(SF_LOG_ERROR, "starter model: %s", err);
        sf_if_free(starter);
    }
}

/* Recent rows that are normal as far as anyone knows, newest first. */
#define TRAINING_QUERY                                                                         \
    "SELECT (extract(epoch FROM ts) * 1000000)::bigint, endpoint, method, status_code, "       \
    "response_time_ms, request_size_bytes, response_size_bytes, host(ip_address), user_agent " \
    "FROM traffic_logs t WHERE NOT demo AND NOT coalesce(ground_truth, false) AND "             \
    "(NOT is_anomaly OR anomaly_type = 'pattern_anomaly' OR "                                  \
    "EXISTS (SELECT 1 FROM anomalies a WHERE a.traffic_id = t.id AND a.label = 'false_positive')) " \
    "ORDER BY ts DESC LIMIT $1"

static void row_to_item(PGresult *r, int i, sf_ingest_item *it)
{
    sf_record *rec = &it->rec;
    sf_record_init(rec);
    rec->timestamp_us = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    sf_record_set_text(&rec->endpoint, PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1));
    snprintf(rec->method, sizeof rec->method, "%s", PQgetvalue(r, i, 2));
    rec->status_code = PQgetisnull(r, i, 3) ? 0 : atoi(PQgetvalue(r, i, 3));
    rec->response_time_ms = strtod(PQgetvalue(r, i, 4), NULL);
    if (!PQgetisnull(r, i, 5))
        rec->request_size_bytes = strtoll(PQgetvalue(r, i, 5), NULL, 10);
    if (!PQgetisnull(r, i, 6))
        rec->response_size_bytes = strtoll(PQgetvalue(r, i, 6), NULL, 10);
    if (!PQgetisnull(r, i, 7))
        sf_record_set_text(&rec->ip_address, PQgetvalue(r, i, 7), (size_t)PQgetlength(r, i, 7));
    if (!PQgetisnull(r, i, 8))
        sf_record_set_text(&rec->user_agent, PQgetvalue(r, i, 8), (size_t)PQgetlength(r, i, 8));
    sf_ingest_item_prepare(it, rec->timestamp_us);
}

static sf_iforest *train_from_rows(sf_model_manager *m, PGresult *r, char *err, size_t err_size)
{
    size_t n = (size_t)PQntuples(r);
    sf_ingest_item *items = calloc(n, sizeof *items);
    sf_iforest *model = NULL;
    if (items) {
        for (size_t i = 0; i < n; i++)
            row_to_item(r, (int)i, &items[i]);
        sf_model_train_options opts;
        sf_model_train_options_default(&opts);
        opts.forest.n_trees = (uint32_t)m->cfg.trees;
        opts.forest.sample_size = (uint32_t)m->cfg.sample_size;
        opts.forest.seed = (uint64_t)sf_now_us();
        opts.forest.range_extension = SF_HTTP_RANGE_EXTENSION;
        opts.contamination = m->cfg.contamination;
        model = sf_train_from_items(items, n, SF_SITE_MODEL_FEATURES, &opts, err, err_size);
        for (size_t i = 0; i < n; i++)
            sf_ingest_item_clear(&items[i]);
        free(items);
    } else {
        snprintf(err, err_size, "out of memory for %zu training rows", n);
    }
    return model;
}

static void train(sf_model_manager *m)
{
    char limit[24], err[256] = "";
    snprintf(limit, sizeof limit, "%lld", (long long)m->cfg.train_max_rows);
    const char *params[1] = {limit};
    pthread_mutex_lock(&m->lock);
    m->training = true;
    m->train_started_us = sf_now_us();
    snprintf(m->state, sizeof m->state, "training");
    pthread_mutex_unlock(&m->lock);
    PGresult *r = PQexecParams(m->conn, TRAINING_QUERY, 1, NULL, params, NULL, NULL, 0);
    sf_iforest *model = NULL;
    int rows = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : -1;
    if (rows < 0)
        snprintf(err, sizeof err, "%s", PQerrorMessage(m->conn));
    else if (rows < m->cfg.train_min_rows)
        snprintf(err, sizeof err, "only %d normal records to train on (need %lld)", rows,
                 (long long)m->cfg.train_min_rows);
    else
        model = train_from_rows(m, r, err, sizeof err);
    PQclear(r);
    int version = model ? store_model(m, model, "trained", err, sizeof err) : -1;
    if (version > 0)
        activate(m, model, version, "trained");
    else
        sf_if_free(model);
    pthread_mutex_lock(&m->lock);
    m->training = false;
    m->train_finished_us = sf_now_us();
    m->last_train_rows = rows;
    pthread_mutex_unlock(&m->lock);
    set_state(m, version > 0 ? "idle" : "failed", version > 0 ? "" : err);
    if (version <= 0)
        sf_logf(SF_LOG_WARN, "model training failed: %s", err);
}

static int64_t count_stored(sf_model_manager *m, int64_t limit)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)limit);
    const char *params[1] = {text};
    PGresult *r = PQexecParams(m->conn, "SELECT count(*) FROM (SELECT 1 FROM traffic_logs "
                               "WHERE NOT demo LIMIT $1) s", 1, NULL, params, NULL, NULL, 0);
    int64_t n = PQresultStatus(r) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return n;
}

/* From an ingest worker: the site has reached a milestone (detect.h). */
static void nudge(void *arg)
{
    sf_model_manager *m = arg;
    pthread_mutex_lock(&m->lock);
    m->nudged = true;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
}

/* The first model once the site has auto_train_rows records, a better one each time they
 * double, up to train_max_rows: early, and improving as data grows. */
static bool milestone_reached(sf_model_manager *m)
{
    if (m->cfg.auto_train_rows <= 0)
        return false;
    if (!m->next_milestone) {
        m->stored_at_start = count_stored(m, m->cfg.train_max_rows + 1);
        m->next_milestone = m->cfg.auto_train_rows;
        if (strcmp(m->source, "starter") != 0)
            while (m->next_milestone <= m->stored_at_start)
                m->next_milestone *= 2;
    }
    if (m->next_milestone > m->cfg.train_max_rows && strcmp(m->source, "starter") != 0)
        return false;
    /* The records judged so far say when to look; the stored ones say whether the
     * milestone is there (judged records reach the database a moment later). */
    int64_t judged = m->stored_at_start + sf_detectors_real_records(m->detectors);
    if (judged < m->next_milestone) {
        sf_detectors_set_nudge(m->detectors, m->next_milestone - m->stored_at_start, nudge, m);
        return false;
    }
    int64_t stored = count_stored(m, m->next_milestone);
    if (stored < m->next_milestone) {
        m->recheck = true; /* look again shortly */
        return false;
    }
    while (m->next_milestone <= judged)
        m->next_milestone *= 2;
    /* wake us as soon as the next one is judged, not at the next poll */
    sf_detectors_set_nudge(m->detectors, m->next_milestone - m->stored_at_start, nudge, m);
    return true;
}

static bool retrain_due(sf_model_manager *m)
{
    if (m->cfg.retrain_interval_ms <= 0 || strcmp(m->source, "trained") != 0)
        return false;
    int64_t last = m->train_finished_us ? m->train_finished_us : m->train_started_us;
    if (!last) { /* trained by an earlier run: count from our start */
        m->train_finished_us = sf_now_us();
        return false;
    }
    return sf_now_us() - last >= m->cfg.retrain_interval_ms * 1000;
}

static void *manager_main(void *arg)
{
    sf_model_manager *m = arg;
    pthread_mutex_lock(&m->lock);
    while (!m->stopping) {
        bool requested = m->train_requested;
        m->train_requested = false;
        m->nudged = false;
        pthread_mutex_unlock(&m->lock);
        if (PQstatus(m->conn) != CONNECTION_OK)
            PQreset(m->conn);
        if (PQstatus(m->conn) == CONNECTION_OK) {
            sync_active(m);
            if (requested || milestone_reached(m) || retrain_due(m))
                train(m);
        }
        pthread_mutex_lock(&m->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        if (m->recheck) { /* a milestone judged but not stored yet: look again in 100 ms */
            until.tv_nsec += 100000000;
            if (until.tv_nsec >= 1000000000)
                until.tv_sec++, until.tv_nsec -= 1000000000;
            m->recheck = false;
        } else {
            until.tv_sec += POLL_INTERVAL_S;
        }
        if (!m->stopping && !m->train_requested && !m->nudged)
            pthread_cond_timedwait(&m->wake, &m->lock, &until);
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

sf_model_manager *sf_model_manager_start(const sf_model_manager_config *cfg, sf_detectors *d)
{
    sf_model_manager *m = calloc(1, sizeof *m);
    m->cfg = *cfg;
    m->cfg.conninfo = NULL;
    m->detectors = d;
    snprintf(m->state, sizeof m->state, "idle");
    snprintf(m->source, sizeof m->source, "none");
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->wake, NULL);
    m->conn = PQconnectdb(cfg->conninfo);
    /* Load the model before serving, so the first records are scored. */
    if (PQstatus(m->conn) == CONNECTION_OK)
        sync_active(m);
    pthread_create(&m->thread, NULL, manager_main, m);
    pthread_setname_np(m->thread, "sf-model"); /* what top -H and perf show */
    return m;
}

int sf_model_manager_request_train(sf_model_manager *m)
{
    pthread_mutex_lock(&m->lock);
    bool busy = m->training || m->train_requested;
    if (!busy) {
        m->train_requested = true;
        snprintf(m->state, sizeof m->state, "training");
        pthread_cond_signal(&m->wake);
    }
    pthread_mutex_unlock(&m->lock);
    return busy ? -1 : 0;
}

json_t *sf_model_manager_status(sf_model_manager *m)
{
    char started[SF_RFC3339_LEN], finished[SF_RFC3339_LEN];
    pthread_mutex_lock(&m->lock);
    json_t *s = json_pack("{s:s,s:s,s:i,s:s?,s:s?,s:I,s:s?}", "state", m->state, "source",
                          m->source, "active_version", m->active_version, "started_at",
                          m->train_started_us ? sf_time_format(m->train_started_us, started, sizeof started) : NULL,
                          "finished_at",
                          m->train_finished_us ? sf_time_format(m->train_finished_us, finished, sizeof finished) : NULL,
                          "rows", (json_int_t)m->last_train_rows, "last_error",
                          m->last_error[0] ? m->last_error : NULL);
    pthread_mutex_unlock(&m->lock);
    return s;
}

void sf_model_manager_stop(sf_model_manager *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    m->stopping = true;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->thread, NULL);
    sf_detectors_set_nudge(m->detectors, INT64_MAX, NULL, NULL);
    PQfinish(m->conn);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->wake);
    free(m);
}
