/* The detectors (see detectors.h): context, forest, rules, behaviour, verdict. */
#include "collector/detectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define RULE_SCORE 0.8

void sf_detector_limits_default(sf_detector_limits *l)
{
    l->slow_ms = 3000;
    l->large_bytes = 10000000;
    l->flood_per_minute = 600;
    l->scan_distinct = 20;
    l->brute_force = 10;
}

int sf_detectors_init(sf_detectors *d, uint32_t client_capacity)
{
    memset(d, 0, sizeof *d);
    sf_detector_limits_default(&d->limits);
    pthread_rwlock_init(&d->model_lock, NULL);
    pthread_mutex_init(&d->clients_lock, NULL);
    d->clients = sf_client_table_new(client_capacity);
    d->demo_clients = sf_client_table_new(4096);
    return d->clients && d->demo_clients ? 0 : -1;
}

void sf_detectors_destroy(sf_detectors *d)
{
    sf_if_free(d->model);
    sf_client_table_free(d->clients);
    sf_client_table_free(d->demo_clients);
    pthread_rwlock_destroy(&d->model_lock);
    pthread_mutex_destroy(&d->clients_lock);
}

void sf_detectors_set_model(sf_detectors *d, struct sf_iforest *model, int version)
{
    pthread_rwlock_wrlock(&d->model_lock);
    struct sf_iforest *old = d->model;
    d->model = model;
    d->model_version = version;
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

uint64_t sf_detectors_client_evictions(sf_detectors *d)
{
    pthread_mutex_lock(&d->clients_lock);
    uint64_t n = sf_client_table_evictions(d->clients) + sf_client_table_evictions(d->demo_clients);
    pthread_mutex_unlock(&d->clients_lock);
    return n;
}

static int is_auth_route(const char *route)
{
    return strstr(route, "login") || strstr(route, "/auth") || strstr(route, "signin") ||
           strstr(route, "token") || strstr(route, "password");
}

/* A verdict under construction: the strongest finding names the type. */
typedef struct verdict {
    int rank;                 /* higher wins the type */
    const char *type, *severity, *detector;
    json_t *reasons;
    int rule_hit;
} verdict;

static void finding(verdict *v, int rank, const char *type, const char *severity,
                    const char *detector, const char *reason)
{
    if (!v->reasons)
        v->reasons = json_array();
    json_array_append_new(v->reasons, json_string(reason));
    v->rule_hit = 1;
    if (rank > v->rank) {
        v->rank = rank;
        v->type = type;
        v->severity = severity;
        v->detector = detector;
    }
}

static void check_rules(const sf_detector_limits *l, const sf_record *r, verdict *v)
{
    char why[160];
    if (r->status_code >= 500) {
        snprintf(why, sizeof why, "server error: status %d", r->status_code);
        finding(v, 50, "server_error", "high", "rule", why);
    }
    if (r->response_time_ms > l->slow_ms) {
        snprintf(why, sizeof why, "response time %.0f ms, above the %.0f ms limit",
                 r->response_time_ms, l->slow_ms);
        finding(v, 40, "response_time_spike", "medium", "rule", why);
    }
    if (r->request_size_bytes > l->large_bytes) {
        snprintf(why, sizeof why, "request of %lld bytes, above %lld", (long long)r->request_size_bytes,
                 (long long)l->large_bytes);
        finding(v, 30, "large_request", "medium", "rule", why);
    }
    if (r->response_size_bytes > l->large_bytes) {
        snprintf(why, sizeof why, "response of %lld bytes, above %lld",
                 (long long)r->response_size_bytes, (long long)l->large_bytes);
        finding(v, 29, "large_response", "medium", "rule", why);
    }
}

/* Behavioural findings flag the requests that make up the behaviour (the failed logins,
 * the not-found probes), not every request of the client while it lasts; a flood is
 * flagged when it crosses the limit and at each further multiple of it. */
static void check_behaviour(const sf_detector_limits *l, const sf_client_minute *c,
                            const sf_ingest_item *it, const float *row, verdict *v)
{
    int status = it->rec.status_code;
    bool auth_failure = (status == 401 || status == 403) && is_auth_route(it->route);
    bool not_found = status == 404 || status == 403;
    long flood_step = (long)l->flood_per_minute;
    char why[160];
    if (row[SF_HF_KW_SQLI] > 0)
        finding(v, 90, "sql_injection", "critical", "payload", "SQL injection pattern in path or query");
    if (row[SF_HF_KW_XSS] > 0)
        finding(v, 89, "xss", "critical", "payload", "cross-site scripting pattern in path or query");
    if (row[SF_HF_KW_TRAVERSAL] > 0)
        finding(v, 88, "path_traversal", "critical", "payload", "path traversal or file access pattern");
    if (row[SF_HF_KW_INJECTION] > 0)
        finding(v, 87, "injection_attempt", "high", "payload", "command, CRLF or SSI injection pattern");
    if (auth_failure && c->auth_failures >= l->brute_force) {
        snprintf(why, sizeof why, "%.0f failed logins from this client in the last minute", c->auth_failures);
        finding(v, 80, "brute_force", "critical", "behaviour", why);
    }
    if (not_found && c->distinct_not_found >= l->scan_distinct) {
        snprintf(why, sizeof why, "about %.0f distinct not-found paths from this client in a minute",
                 c->distinct_not_found);
        finding(v, 70, "endpoint_scan", "high", "behaviour", why);
    }
    if (flood_step > 0 && c->requests >= l->flood_per_minute && (long)c->requests % flood_step == 0) {
        snprintf(why, sizeof why, "%.0f requests from this client in the last minute", c->requests);
        finding(v, 60, "request_flood", "high", "behaviour", why);
    }
}

/* The features an anomaly is stored with: the model's own columns when it has one. */
static json_t *features_json(const struct sf_iforest *model, const float *model_row,
                             const float *base)
{
    json_t *o = json_object();
    if (model)
        for (uint32_t f = 0; f < model->n_features; f++)
            json_object_set_new(o, model->feature_names[f], json_real(model_row[f]));
    else
        for (int f = 0; f < SF_HTTP_FEATURE_COUNT; f++)
            json_object_set_new(o, sf_http_feature_names[f], json_real(base[f]));
    return o;
}

static void add_model_reasons(const struct sf_iforest *model, const sf_record *rec,
                              const float *row, verdict *v)
{
    sf_reason reasons[3];
    size_t n = sf_model_reasons(model, rec, NULL, 0, row, reasons, 3);
    if (!v->reasons)
        v->reasons = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(v->reasons, json_string(reasons[i].text));
}

static void to_http_context(const sf_client_minute *c, sf_http_context *out)
{
    out->client_rate_1m = (float)c->requests;
    out->client_error_ratio_1m = (float)c->error_ratio;
    out->client_distinct_paths_1m = (float)c->distinct_paths;
}

static void observe(sf_client_table *t, const sf_ingest_item *it, sf_client_minute *ctx)
{
    const sf_record *r = &it->rec;
    const char *client = r->client_ip ? r->client_ip : r->ip_address;
    if (!client) {
        /* Without an address every such record would look like one very busy client. */
        memset(ctx, 0, sizeof *ctx);
        return;
    }
    /* Only a 401/403 makes the route's kind matter: skip its text search otherwise. */
    bool auth = (r->status_code == 401 || r->status_code == 403) && is_auth_route(it->route);
    sf_client_observe(t, client, it->ts_us, it->route, r->status_code, auth, ctx);
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
            sf_client_minute c;
            observe(clients, &items[order[k]], &c);
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

/* One item between the scoring steps: its payload indicators, findings so far, and
 * where its model row is (-1: not scored by the forest). */
typedef struct item_state {
    float base[SF_HTTP_FEATURE_COUNT];
    verdict v;
    long row;
    double score;
} item_state;

/* Step 1: rules and behaviour, and the model's feature row for the batch scoring. */
static void inspect(sf_detectors *d, const struct sf_iforest *model, sf_ingest_item *it,
                    const sf_client_minute *ctx, item_state *st, float *row)
{
    sf_features_from_record(&it->rec, NULL, 0, st->base); /* payload indicators, model row */
    check_behaviour(&d->limits, ctx, it, st->base, &st->v);
    check_rules(&d->limits, &it->rec, &st->v);
    st->row = -1;
    st->score = -1;
    if (model) {
        sf_http_context hc;
        to_http_context(ctx, &hc);
        if (sf_model_features_from(model, &it->rec, NULL, 0, st->base, &hc, row) == 0)
            st->row = 0; /* the caller numbers it */
    }
}

/* Step 3: the forest's verdict joins the others; the item gets its final fields. */
static void conclude(sf_detectors *d, const struct sf_iforest *model, sf_ingest_item *it,
                     item_state *st, const float *row)
{
    verdict *v = &st->v;
    double score = st->score;
    if (score >= 0) {
        it->model_version = d->model_version;
        if (score >= model->threshold) {
            add_model_reasons(model, &it->rec, row, v);
            if (!v->type) {
                v->type = "pattern_anomaly";
                v->severity = score >= model->threshold + 0.1 ? "high" : "medium";
                v->detector = "isolation_forest";
            }
        }
    }
    it->score = v->rule_hit ? (score > RULE_SCORE ? score : RULE_SCORE) : (score < 0 ? 0 : score);
    it->is_anomaly = v->type != NULL;
    if (it->is_anomaly) {
        it->anomaly_type = v->type;
        it->severity = v->severity;
        it->detector = v->detector;
        it->reasons = v->reasons;
        it->features = features_json(score >= 0 ? model : NULL, row, st->base);
    } else {
        it->anomaly_type = "normal";
        json_decref(v->reasons);
    }
}

/* Scores items with the model read-locked: features row by row, then the forest over all
 * rows at once (tree by tree, so each tree stays in cache), then the verdicts. */
static void score_items(sf_detectors *d, sf_ingest_item *items, size_t n,
                        const sf_client_minute *ctx, item_state *state)
{
    const struct sf_iforest *model = d->model;
    size_t width = model ? model->n_features : 0, scored = 0;
    float *rows = model ? malloc(n * width * sizeof *rows) : NULL;
    double *scores = model ? malloc(n * sizeof *scores) : NULL;
    if (!rows || !scores)
        model = NULL; /* out of memory: rules and behaviour still run */
    for (size_t i = 0; i < n; i++) {
        inspect(d, model, &items[i], &ctx[i], &state[i], model ? rows + scored * width : NULL);
        if (state[i].row == 0)
            state[i].row = (long)scored++;
    }
    if (scored)
        sf_if_score_batch(model, rows, scored, scores);
    for (size_t i = 0; i < n; i++) {
        const float *row = state[i].row >= 0 ? rows + (size_t)state[i].row * width : NULL;
        if (row)
            state[i].score = scores[state[i].row];
        conclude(d, model, &items[i], &state[i], row);
    }
    free(rows);
    free(scores);
}

void sf_detect_items(sf_detectors *d, sf_ingest_item *items, size_t n)
{
    sf_client_minute *ctx = malloc(n * sizeof *ctx);
    item_state *state = calloc(n ? n : 1, sizeof *state);
    if (!ctx || !state) {
        free(ctx);
        free(state);
        return;
    }
    /* One lock per job for the shared client table, then score without it. */
    pthread_mutex_lock(&d->clients_lock);
    for (size_t i = 0; i < n; i++)
        observe(items[i].demo ? d->demo_clients : d->clients, &items[i], &ctx[i]);
    pthread_mutex_unlock(&d->clients_lock);
    pthread_rwlock_rdlock(&d->model_lock);
    score_items(d, items, n, ctx, state);
    pthread_rwlock_unlock(&d->model_lock);
    free(state);
    free(ctx);
}
