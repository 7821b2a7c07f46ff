/* The detection engine (see detect.h): state, the steps of judging a job, incidents. */
#include "collector/detect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/detect_baseline.h"
#include "collector/detect_clients.h"
#include "collector/detect_incidents.h"
#include "collector/detect_verdict.h"
#include "model/model.h"

#define SWEEP_EVERY_US 5000000LL
#define DROPS_PER_SWEEP 16

void sf_detect_config_default(sf_detect_config *c)
{
    *c = (sf_detect_config){
        .slow_ms = 3000, .large_bytes = 10000000,
        .baseline_min_requests = 20, .baseline_mads = 6, .baseline_min_ratio = 3,
        .latency_min_excess_ms = 100, .size_min_excess = 1048576,
        .scan_distinct = 10, .brute_force = 10, .flood_rate = 10, .flood_burst = 200,
        .address_clients = 10,
        .brute_force_route = 20, .brute_force_clients = 5, .route_window_ms = 10000,
        .error_spike_min = 5, .error_spike_share = 0.2, .regression_min = 5,
        .regression_share = 0.5, .drop_min_expected = 20, .drop_window_ms = 120000,
        .drop_ratio = 0.1, .sensor_silence_ms = 60000, .incident_quiet_ms = 300000,
        .client_table_size = 65536, .route_table_size = 4096, .incident_table_size = 4096,
    };
}

int sf_detectors_init(sf_detectors *d, const sf_detect_config *cfg)
{
    memset(d, 0, sizeof *d);
    if (cfg)
        d->cfg = *cfg;
    else
        sf_detect_config_default(&d->cfg);
    pthread_rwlock_init(&d->model_lock, NULL);
    pthread_mutex_init(&d->state_lock, NULL);
    d->clients = sf_client_table_new((uint32_t)d->cfg.client_table_size);
    d->demo_clients = sf_client_table_new(4096);
    d->addresses = sf_bucket_table_new((uint32_t)d->cfg.client_table_size);
    d->demo_addresses = sf_bucket_table_new(4096);
    d->routes = sf_route_table_new((uint32_t)d->cfg.route_table_size);
    d->demo_routes = sf_route_table_new(256);
    d->incidents = sf_incident_table_new((uint32_t)d->cfg.incident_table_size);
    return d->clients && d->demo_clients && d->addresses && d->demo_addresses && d->routes &&
                   d->demo_routes && d->incidents ? 0 : -1;
}

void sf_detectors_destroy(sf_detectors *d)
{
    sf_if_free(d->model);
    sf_client_table_free(d->clients);
    sf_client_table_free(d->demo_clients);
    sf_bucket_table_free(d->addresses);
    sf_bucket_table_free(d->demo_addresses);
    sf_route_table_free(d->routes);
    sf_route_table_free(d->demo_routes);
    sf_incident_table_free(d->incidents);
    pthread_rwlock_destroy(&d->model_lock);
    pthread_mutex_destroy(&d->state_lock);
}

void sf_detectors_set_model(sf_detectors *d, struct sf_iforest *model, int version, bool judges)
{
    pthread_rwlock_wrlock(&d->model_lock);
    struct sf_iforest *old = d->model;
    d->model = model;
    d->model_version = version;
    d->model_judges = judges;
    pthread_rwlock_unlock(&d->model_lock);
    sf_if_free(old); /* no reader holds it: they hold the read lock while scoring */
}

int sf_detectors_model_version(sf_detectors *d)
{
    pthread_rwlock_rdlock(&d->model_lock);
    int v = d->model ? d->model_version : 0;
    pthread_rwlock_unlock(&d->model_lock);
    return v;
}

void sf_detectors_evictions(sf_detectors *d, sf_detect_evictions *out)
{
    pthread_mutex_lock(&d->state_lock);
    out->clients = sf_client_table_evictions(d->clients) + sf_client_table_evictions(d->demo_clients);
    out->addresses = sf_bucket_table_evictions(d->addresses) +
                     sf_bucket_table_evictions(d->demo_addresses);
    out->routes = sf_route_table_evictions(d->routes) + sf_route_table_evictions(d->demo_routes);
    out->incidents = sf_incident_table_evictions(d->incidents);
    pthread_mutex_unlock(&d->state_lock);
}

int64_t sf_detectors_real_records(sf_detectors *d)
{
    pthread_mutex_lock(&d->state_lock);
    int64_t n = d->real_records;
    pthread_mutex_unlock(&d->state_lock);
    return n;
}

void sf_detectors_set_nudge(sf_detectors *d, int64_t at, void (*nudge)(void *), void *arg)
{
    pthread_mutex_lock(&d->state_lock);
    d->nudge_at = at;
    d->nudge = nudge;
    d->nudge_arg = arg;
    pthread_mutex_unlock(&d->state_lock);
}

static bool is_auth_route(const char *route)
{
    return strstr(route, "login") || strstr(route, "/auth") || strstr(route, "signin") ||
           strstr(route, "token") || strstr(route, "password") || strstr(route, "session");
}

/* What step 1 learns about one item, under the state lock. */
typedef struct item_context {
    char address[SF_CLIENT_ADDRESS_MAX], key[SF_CLIENT_KEY_MAX];
    sf_client_minute client;
    double address_bucket;
    sf_route_view route;
    bool auth_failure, error_path;
} item_context;

/* The path of a record without its query: what a scan enumerates. */
static void path_of(const sf_ingest_item *it, char *out, size_t size)
{
    const char *e = it->rec.endpoint ? it->rec.endpoint : it->route;
    size_t n = strcspn(e, "?");
    n = n < size ? n : size - 1;
    memcpy(out, e, n);
    out[n] = '\0';
}

static void observe(sf_detectors *d, const sf_ingest_item *it, item_context *c)
{
    const sf_record *r = &it->rec;
    sf_client_table *clients = it->demo ? d->demo_clients : d->clients;
    sf_client_identity(r, c->address, c->key);
    int status = r->status_code;
    c->auth_failure = (status == 401 || status == 403) && is_auth_route(it->route);
    c->error_path = status == 404 || status == 403 || status == 400;
    c->address_bucket = -1;
    memset(&c->client, 0, sizeof c->client);
    if (c->address[0]) {
        char path[SF_ROUTE_MAX];
        path_of(it, path, sizeof path);
        sf_client_observe(clients, c->key, it->ts_us, path, status, c->auth_failure,
                          d->cfg.flood_rate, &c->client);
        if (!sf_client_is_loopback(c->address))
            c->address_bucket = sf_bucket_fill(it->demo ? d->demo_addresses : d->addresses, c->address,
                                               it->ts_us, d->cfg.flood_rate * (double)d->cfg.address_clients);
    }
    sf_route_observe(it->demo ? d->demo_routes : d->routes, &d->cfg, r->method, it->route, r,
                     it->ts_us, c->auth_failure, c->key, &c->route);
}

static void to_http_context(const sf_client_minute *c, sf_http_context *out)
{
    out->client_rate_1m = (float)c->requests;
    out->client_error_ratio_1m = (float)c->error_ratio;
    out->client_distinct_paths_1m = (float)c->distinct_paths;
}

static int by_time(const void *a, const void *b, void *arg)
{
    const sf_ingest_item *items = arg;
    int64_t x = items[*(const size_t *)a].ts_us, y = items[*(const size_t *)b].ts_us;
    return (x > y) - (x < y);
}

struct sf_iforest *sf_train_from_items(const sf_ingest_item *items, size_t n,
                                       const char *features, const sf_model_train_options *opts,
                                       char *err, size_t err_size)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    const sf_record **records = malloc((n ? n : 1) * sizeof *records);
    sf_http_context *contexts = malloc((n ? n : 1) * sizeof *contexts);
    sf_client_table *clients = sf_client_table_new(65536);
    sf_iforest *model = NULL;
    if (order && records && contexts && clients) {
        for (size_t i = 0; i < n; i++) {
            order[i] = i;
            records[i] = &items[i].rec;
        }
        qsort_r(order, n, sizeof *order, by_time, (void *)items);
        for (size_t k = 0; k < n; k++) { /* context as the live detectors would have seen it */
            const sf_ingest_item *it = &items[order[k]];
            char address[SF_CLIENT_ADDRESS_MAX], key[SF_CLIENT_KEY_MAX], path[SF_ROUTE_MAX];
            sf_client_minute c = {0};
            sf_client_identity(&it->rec, address, key);
            path_of(it, path, sizeof path);
            if (address[0])
                sf_client_observe(clients, key, it->ts_us, path, it->rec.status_code, false, 0, &c);
            to_http_context(&c, &contexts[order[k]]);
        }
        model = sf_model_train_http(records, n, contexts, features, opts, err, err_size);
    } else {
        snprintf(err, err_size, "out of memory for %zu training records", n);
    }
    sf_client_table_free(clients);
    free(contexts);
    free(records);
    free(order);
    return model;
}

/* ---- step 3: the verdict ---- */

/* The features an anomaly is stored with: the model's own columns when it has one. */
static json_t *features_json(const struct sf_iforest *model, const float *model_row,
                             const float *base)
{
    json_t *o = json_object();
    if (model && model_row)
        for (uint32_t f = 0; f < model->n_features; f++)
            json_object_set_new(o, model->feature_names[f], json_real(model_row[f]));
    else
        for (int f = 0; f < SF_HTTP_FEATURE_COUNT; f++)
            json_object_set_new(o, sf_http_feature_names[f], json_real(base[f]));
    return o;
}

/* The forest's score on the detectors' scale: SF_DETECT_THRESHOLD at the model's
 * threshold, 1 at the top; below the threshold, in proportion (kept under it). */
static double forest_scale(const struct sf_iforest *model, double score)
{
    double t = model->threshold;
    if (score >= t)
        return SF_DETECT_THRESHOLD + (1 - SF_DETECT_THRESHOLD) * (t < 1 ? (score - t) / (1 - t) : 1);
    double below = SF_DETECT_THRESHOLD * (t > 0 ? score / t : 0);
    return below < SF_DETECT_THRESHOLD - 0.001 ? below : SF_DETECT_THRESHOLD - 0.001;
}

/* Is the measure the forest found most unusual also unusual for the request's route (its
 * baseline when warm, else the site's 99.9th percentile)? A request's latency and size
 * belong to its route: the forest compares them with the whole site, where a route that
 * always serves 50 MB, or always takes 2 s, looks like an outlier every time. */
static bool unusual_for_route(const char *top, const sf_ingest_item *it, const sf_route_view *rv)
{
    const sf_record *r = &it->rec;
    const sf_baseline_value *b, *site;
    double value;
    if (strcmp(top, "meta.latency_ms_log") == 0) {
        b = &rv->latency, site = &rv->site_latency, value = r->response_time_ms;
    } else if (strcmp(top, "meta.response_bytes_log") == 0) {
        b = &rv->response_size, site = &rv->site_response_size;
        value = (double)(r->response_size_bytes != SF_ABSENT ? r->response_size_bytes : r->resp_body_bytes);
    } else {
        b = &rv->request_size, site = &rv->site_request_size;
        value = (double)(r->request_size_bytes != SF_ABSENT ? r->request_size_bytes : r->req_body_bytes);
    }
    if (b->judged)
        return value > b->upper;
    return site->judged && value > site->p999;
}

static void forest_finding(const struct sf_iforest *model, const sf_ingest_item *it,
                           const sf_route_view *rv, const float *row, double score, sf_verdict *v,
                           json_t **extra)
{
    sf_reason reasons[3];
    size_t n = sf_model_reasons(model, &it->rec, NULL, 0, row, reasons, 3);
    /* A failed login belongs to its route (distributed attempts are one incident); any
     * other unusual request to its client (a scan's or a flood's first requests). */
    bool auth = (it->rec.status_code == 401 || it->rec.status_code == 403) && is_auth_route(it->route);
    /* What the forest found most unusual says what it is about: a latency or a size is the
     * route's symptom (it joins the route's latency or size incident), anything else the
     * client's behaviour. */
    const char *top = n > 0 ? model->feature_names[reasons[0].feature] : "";
    const char *family = strcmp(top, "meta.latency_ms_log") == 0 ? "latency"
                         : strcmp(top, "meta.response_bytes_log") == 0 ||
                                   strcmp(top, "meta.request_bytes_log") == 0 ? "size" : NULL;
    if (family && !unusual_for_route(top, it, rv))
        return;
    sf_verdict_add(v, "pattern_anomaly", auth || family ? SF_SUBJECT_ROUTE : SF_SUBJECT_CLIENT,
                   forest_scale(model, score), "isolation_forest",
                   "unusual request for this site: forest score %.2f, threshold %.2f (trained on "
                   "%llu of its requests)", score, model->threshold,
                   (unsigned long long)model->train_rows);
    if (family)
        v->findings[v->n - 1].family = family;
    /* Values inside their usual range ("usual alone, unusual together") come after those
     * outside it: one such line helps when it is all there is, more are noise. */
    *extra = json_array();
    for (size_t i = 0; i < n; i++) {
        int f = reasons[i].feature;
        bool inside = row[f] >= model->stats[f].low && row[f] <= model->stats[f].high;
        if (!inside || i == 0)
            json_array_append_new(*extra, json_string(reasons[i].text));
    }
}

static void conclude(sf_detectors *d, const struct sf_iforest *model, sf_ingest_item *it,
                     const item_context *c, const float *base, const float *row, double score)
{
    sf_detect_input in = {&d->cfg, it, c->address, &c->client, c->address_bucket, &c->route,
                          c->auth_failure, c->error_path, base};
    sf_verdict v;
    json_t *forest_reasons = NULL;
    sf_verdict_init(&v);
    sf_detect_payload(&in, &v);
    sf_detect_behaviour(&in, &v);
    sf_detect_rules(&in, &v);
    if (score >= 0) {
        it->model_version = d->model_version;
        if (d->model_judges && score >= model->threshold)
            forest_finding(model, it, &c->route, row, score, &v, &forest_reasons);
    }
    it->is_anomaly = v.best >= 0;
    double scaled = score >= 0 ? forest_scale(model, score) : 0;
    if (!it->is_anomaly) {
        /* the starter's score, when it does not judge, is kept under the threshold too */
        it->score = scaled < SF_DETECT_THRESHOLD ? scaled : SF_DETECT_THRESHOLD - 0.001;
        it->anomaly_type = "normal";
        return;
    }
    const sf_finding *best = &v.findings[v.best];
    it->score = best->score > scaled ? best->score : scaled;
    it->anomaly_type = best->type;
    it->severity = best->severity;
    it->detector = best->detector;
    it->reasons = json_array();
    json_array_append_new(it->reasons, json_string(best->reason));
    for (int i = 0; i < v.n; i++)
        if (i != v.best)
            json_array_append_new(it->reasons, json_string(v.findings[i].reason));
    if (forest_reasons)
        json_array_extend(it->reasons, forest_reasons);
    json_decref(forest_reasons);
    it->features = features_json(score >= 0 ? model : NULL, row, base);
    it->subject_kind = (int)best->subject;
    it->family = best->family;
}

/* ---- step 4: incidents ---- */

static void subject_text(const sf_ingest_item *it, const item_context *c, char *out, size_t size)
{
    if (it->subject_kind == SF_SUBJECT_CLIENT && c->address[0])
        snprintf(out, size, "client %s", c->address);
    else if (it->subject_kind == SF_SUBJECT_ADDRESS && c->address[0])
        snprintf(out, size, "address %s", c->address);
    else
        snprintf(out, size, "route %s %.*s", it->rec.method, (int)(size > 40 ? size - 40 : 1), it->route);
}

static void add_to_incident(sf_detectors *d, sf_ingest_job *job, sf_ingest_item *it,
                            const item_context *c)
{
    char subject[SF_INCIDENT_SUBJECT_MAX], key[SF_INCIDENT_KEY_MAX];
    long *slot;
    subject_text(it, c, subject, sizeof subject);
    it->incident_opened = sf_incident_note(d->incidents, it->family, subject,
                                           it->demo, it->ts_us, d->cfg.incident_quiet_ms * 1000,
                                           d->job_serial, key, &slot);
    sf_incident_update *u = *slot >= 0 ? &job->incidents[*slot] : NULL;
    if (!u) {
        u = sf_ingest_job_add_incident(job);
        if (!u)
            return;
        *slot = (long)(u - job->incidents);
        snprintf(u->key, sizeof u->key, "%s", key);
        snprintf(u->subject, sizeof u->subject, "%s", subject);
        u->first = u->best = it;
        u->first_us = u->last_us = it->ts_us;
        u->demo = it->demo;
    }
    int rank = sf_type_rank(it->anomaly_type);
    if (strcmp(it->family, "behaviour") == 0 && strcmp(it->anomaly_type, "pattern_anomaly") != 0)
        rank = sf_incident_weigh(d->incidents, rank); /* specific client types: by count */
    if (!u->type || rank > u->rank || (rank == u->rank && it->score > u->score)) {
        u->type = it->anomaly_type;
        u->severity = it->severity;
        u->detector = it->detector;
        u->rank = rank;
        u->best = it;
        u->model_version = it->model_version;
    }
    u->score = it->score > u->score ? it->score : u->score;
    u->count++;
    u->first_us = it->ts_us < u->first_us ? it->ts_us : u->first_us;
    u->last_us = it->ts_us > u->last_us ? it->ts_us : u->last_us;
}

/* Routes that went quiet, as incidents without a record. */
static void sweep_routes(sf_detectors *d, sf_ingest_job *job)
{
    sf_route_drop drops[DROPS_PER_SWEEP];
    size_t n = sf_route_sweep(d->routes, &d->cfg, d->traffic_now_us, drops, DROPS_PER_SWEEP);
    for (size_t i = 0; i < n; i++) {
        char subject[SF_INCIDENT_SUBJECT_MAX], key[SF_INCIDENT_KEY_MAX];
        long *slot;
        snprintf(subject, sizeof subject, "route %s", drops[i].route);
        sf_incident_note(d->incidents, "traffic", subject, false, d->traffic_now_us,
                         d->cfg.incident_quiet_ms * 1000, d->job_serial, key, &slot);
        sf_incident_update *u = sf_ingest_job_add_incident(job);
        if (!u)
            return;
        double score = sf_grade(drops[i].expected, drops[i].observed > 0 ? drops[i].observed / d->cfg.drop_ratio
                                                                          : drops[i].expected / 2);
        snprintf(u->key, sizeof u->key, "%s", key);
        snprintf(u->subject, sizeof u->subject, "%s", subject);
        snprintf(u->route, sizeof u->route, "%s", drops[i].route);
        u->type = "traffic_drop";
        u->severity = score >= 0.9 ? "critical" : "high";
        u->detector = "behaviour";
        u->rank = sf_type_rank("traffic_drop");
        u->score = score;
        u->first_us = u->last_us = d->traffic_now_us;
        u->count = 1;
        char why[SF_FINDING_REASON_MAX];
        snprintf(why, sizeof why, "traffic %s on %s: %.0f requests in the last %llds, usually about "
                 "%.0f", drops[i].observed == 0 ? "stopped" : "dropped", drops[i].route,
                 drops[i].observed, (long long)(d->cfg.drop_window_ms / 1000), drops[i].expected);
        u->reasons = json_pack("[s]", why);
        u->features = json_pack("{s:f,s:f}", "expected_requests", drops[i].expected,
                                "observed_requests", drops[i].observed);
    }
}

static void note_incidents(sf_detectors *d, sf_ingest_job *job, const item_context *ctx)
{
    pthread_mutex_lock(&d->state_lock);
    d->job_serial++;
    for (size_t i = 0; i < job->count; i++) {
        sf_ingest_item *it = &job->items[i];
        if (it->is_anomaly)
            add_to_incident(d, job, it, &ctx[i]);
    }
    static const int64_t never = 0;
    if (d->traffic_now_us - d->last_sweep_us >= SWEEP_EVERY_US || d->last_sweep_us == never) {
        if (d->last_sweep_us != never)
            sweep_routes(d, job);
        d->last_sweep_us = d->traffic_now_us;
    }
    pthread_mutex_unlock(&d->state_lock);
}

/* ---- the job ---- */

/* Step 2 and 3 with the model read-locked: features row by row, the forest over all rows
 * at once (tree by tree, so each tree stays in cache), then the verdicts. */
static void score_items(sf_detectors *d, sf_ingest_item *items, size_t n, const item_context *ctx)
{
    const struct sf_iforest *model = d->model;
    size_t width = model ? model->n_features : 0, scored = 0;
    float *base = malloc(n * SF_HTTP_FEATURE_COUNT * sizeof *base);
    float *rows = model ? malloc(n * width * sizeof *rows) : NULL;
    double *scores = model ? malloc(n * sizeof *scores) : NULL;
    long *row_of = malloc(n * sizeof *row_of);
    if (!base || !row_of) {
        free(base), free(rows), free(scores), free(row_of);
        return;
    }
    if (!rows || !scores)
        model = NULL; /* out of memory: rules and behaviour still run */
    for (size_t i = 0; i < n; i++) {
        float *b = base + i * SF_HTTP_FEATURE_COUNT;
        sf_features_from_record(&items[i].rec, NULL, 0, b);
        row_of[i] = -1;
        if (model) {
            sf_http_context hc;
            to_http_context(&ctx[i].client, &hc);
            if (sf_model_features_from(model, &items[i].rec, NULL, 0, b, &hc, rows + scored * width) == 0)
                row_of[i] = (long)scored++;
        }
    }
    if (scored)
        sf_if_score_batch(model, rows, scored, scores);
    for (size_t i = 0; i < n; i++) {
        const float *row = row_of[i] >= 0 ? rows + (size_t)row_of[i] * width : NULL;
        conclude(d, model, &items[i], &ctx[i], base + i * SF_HTTP_FEATURE_COUNT, row,
                 row ? scores[row_of[i]] : -1);
    }
    free(base), free(rows), free(scores), free(row_of);
}

void sf_detect_job(sf_detectors *d, sf_ingest_job *job)
{
    size_t n = job->count;
    sf_ingest_item *items = job->items;
    item_context *ctx = malloc((n ? n : 1) * sizeof *ctx);
    if (!ctx)
        return;
    /* One lock per job for the shared state, then score without it. */
    pthread_mutex_lock(&d->state_lock);
    for (size_t i = 0; i < n; i++) {
        observe(d, &items[i], &ctx[i]);
        if (!items[i].demo) {
            d->real_records++;
            if (items[i].ts_us > d->traffic_now_us)
                d->traffic_now_us = items[i].ts_us;
        }
    }
    void (*nudge)(void *) = NULL;
    if (d->nudge && d->real_records >= d->nudge_at) {
        nudge = d->nudge;
        d->nudge_at = INT64_MAX;
    }
    void *nudge_arg = d->nudge_arg;
    pthread_mutex_unlock(&d->state_lock);
    if (nudge)
        nudge(nudge_arg);
    pthread_rwlock_rdlock(&d->model_lock);
    score_items(d, items, n, ctx);
    pthread_rwlock_unlock(&d->model_lock);
    note_incidents(d, job, ctx);
    free(ctx);
}
