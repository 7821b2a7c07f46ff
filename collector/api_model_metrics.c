/* Model evaluation (api.md). Unlike the reference, whose "ground truth" was the detector's
 * own rules, the truth here comes only from labels the detector did not make: the demo
 * generator's (traffic_logs.ground_truth) and operators' (anomalies.label; an operator's
 * label wins over a generated one). The `limit` most recently stored labelled records are
 * scored at the threshold (default: the active model's; `threshold` moves it): score >=
 * threshold counts as flagged. The confusion matrix, precision, recall, F1, accuracy and
 * the ROC AUC of the scores (ties count one half) come from model/metrics.h; undefined
 * ratios (nothing flagged, no anomalies) are stored as 0, as the reference did, and an
 * undefined AUC (one class only) as null. Each evaluation is stored in model_performance. */
#include "collector/api_model_metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/api_params.h"
#include "collector/app.h"
#include "model/iforest.h"
#include "common/time_util.h"
#include "model/metrics.h"


#define PERFORMANCE_COLUMNS                                                              \
    "id, model_version, evaluation_date, total_predictions, true_positives,"            \
    " false_positives, true_negatives, false_negatives, precision, recall, f1_score,"   \
    " accuracy, auc_roc, avg_anomaly_score, threshold_used"

static json_t *number_or_null(const char *text)
{
    return text ? json_real(strtod(text, NULL)) : json_null();
}

/* A model_performance row (PERFORMANCE_COLUMNS) in the reference's shape. */
static json_t *performance_json(const PGresult *res, int row)
{
    char version[24] = "";
    const char *v = sf_db_value(res, row, 1);
    if (v)
        snprintf(version, sizeof version, "v%s", v);
    char when[SF_RFC3339_LEN];
    int64_t us = strtoll(PQgetvalue(res, row, 2), NULL, 10);
    json_t *o = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10),
                          "model_version", v ? version : "none", "evaluation_date",
                          sf_time_format(us, when, sizeof when));
    static const char *const ints[] = {"total_predictions", "true_positives", "false_positives",
                                       "true_negatives", "false_negatives"};
    for (int i = 0; i < 5; i++)
        json_object_set_new(o, ints[i], json_integer(strtoll(PQgetvalue(res, row, 3 + i), NULL, 10)));
    static const char *const reals[] = {"precision", "recall", "f1_score", "accuracy", "auc_roc",
                                        "avg_anomaly_score", "threshold_used"};
    for (int i = 0; i < 7; i++)
        json_object_set_new(o, reals[i], number_or_null(sf_db_value(res, row, 8 + i)));
    return o;
}

#define SELECT_PERFORMANCE                                                               \
    "SELECT id, model_version, (extract(epoch FROM evaluation_date) * 1000000)::bigint," \
    " total_predictions, true_positives, false_positives, true_negatives,"             \
    " false_negatives, precision, recall, f1_score, accuracy, auc_roc,"               \
    " avg_anomaly_score, threshold_used FROM model_performance"

static json_t *list_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    (void)status;
    const char *params[1] = {ctx};
    PGresult *res = sf_db_query(conn, SELECT_PERFORMANCE " ORDER BY evaluation_date DESC, id DESC"
                                " LIMIT $1::int", 1, params, err, err_size);
    if (!res)
        return NULL;
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(list, performance_json(res, i));
    /* total: the number returned, as the reference (and its dashboard) has it */
    json_t *out = json_pack("{s:o,s:i}", "metrics", list, "total", PQntuples(res));
    PQclear(res);
    return out;
}

void sf_api_model_metrics(sf_request *r)
{
    sf_field_errors errs = {0};
    int64_t limit;
    sf_param_int(r, "limit", 10, 1, 100, &limit, &errs);
    if (sf_params_reject(r, &errs, "query"))
        return;
    char *text = malloc(24);
    if (!text) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    snprintf(text, 24, "%lld", (long long)limit);
    sf_db_pool_submit(r->app->db_pool, r, list_run, text, free);
}

typedef struct evaluation {
    char limit[24];
    double threshold;
    int model_version;             /* 0: no model */
    size_t n, from_operators;
    double *scores;
    int8_t *labels;
} evaluation;

static void evaluation_free(void *p)
{
    evaluation *e = p;
    free(e->scores);
    free(e->labels);
    free(e);
}

/* The labelled records: operator labels on anomalies, then demo ground truth for records
 * without one; newest stored first (ids grow as records are stored). */
static int load_labelled(PGconn *conn, evaluation *e, char *err, size_t err_size)
{
    const char *params[1] = {e->limit};
    PGresult *res = sf_db_query(conn,
        "SELECT score, truth, operator FROM ("
        " SELECT traffic_id AS id, anomaly_score AS score, label = 'true_positive' AS truth,"
        "  true AS operator FROM anomalies WHERE label IS NOT NULL"
        " UNION ALL"
        " SELECT t.id, coalesce(t.anomaly_score, 0), t.ground_truth, false FROM traffic_logs t"
        "  WHERE t.ground_truth IS NOT NULL AND NOT EXISTS (SELECT 1 FROM anomalies a"
        "  WHERE a.traffic_id = t.id AND a.label IS NOT NULL)) labelled"
        " ORDER BY id DESC LIMIT $1::int", 1, params, err, err_size);
    if (!res)
        return -1;
    size_t n = (size_t)PQntuples(res);
    e->scores = malloc((n ? n : 1) * sizeof *e->scores);
    e->labels = malloc((n ? n : 1) * sizeof *e->labels);
    if (!e->scores || !e->labels) {
        PQclear(res);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        e->scores[i] = strtod(PQgetvalue(res, (int)i, 0), NULL);
        e->labels[i] = PQgetvalue(res, (int)i, 1)[0] == 't';
        e->from_operators += PQgetvalue(res, (int)i, 2)[0] == 't';
    }
    e->n = n;
    PQclear(res);
    return 0;
}

static double or_zero(double v) { return isnan(v) ? 0.0 : v; }

/* Stores the evaluation and returns the stored row. */
static PGresult *store(PGconn *conn, const evaluation *e, const sf_eval_metrics *m, char *err,
                       size_t err_size)
{
    double flagged_sum = 0;
    for (size_t i = 0; i < e->n; i++)
        flagged_sum += e->scores[i] >= e->threshold ? e->scores[i] : 0;
    uint64_t flagged = m->cm.tp + m->cm.fp;
    char v[15][32];
    snprintf(v[0], 32, "%d", e->model_version);
    snprintf(v[1], 32, "%zu", e->n);
    snprintf(v[2], 32, "%llu", (unsigned long long)m->cm.tp);
    snprintf(v[3], 32, "%llu", (unsigned long long)m->cm.fp);
    snprintf(v[4], 32, "%llu", (unsigned long long)m->cm.tn);
    snprintf(v[5], 32, "%llu", (unsigned long long)m->cm.fn);
    const double reals[] = {or_zero(m->precision), or_zero(m->recall), or_zero(m->f1),
                            or_zero(m->accuracy), m->roc_auc,
                            flagged ? flagged_sum / (double)flagged : 0, e->threshold};
    for (int i = 0; i < 7; i++)
        snprintf(v[6 + i], 32, "%.17g", reals[i]);
    const char *params[13];
    for (int i = 0; i < 13; i++)
        params[i] = v[i];
    params[0] = e->model_version ? v[0] : NULL;
    params[10] = isnan(m->roc_auc) ? NULL : v[10];
    return sf_db_query(conn,
        "INSERT INTO model_performance (model_version, total_predictions, true_positives,"
        " false_positives, true_negatives, false_negatives, precision, recall, f1_score,"
        " accuracy, auc_roc, avg_anomaly_score, threshold_used) VALUES ($1, $2, $3, $4, $5,"
        " $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id, model_version,"
        " (extract(epoch FROM evaluation_date) * 1000000)::bigint, total_predictions,"
        " true_positives, false_positives, true_negatives, false_negatives, precision, recall,"
        " f1_score, accuracy, auc_roc, avg_anomaly_score, threshold_used",
        13, params, err, err_size);
}

static json_t *evaluate_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    evaluation *e = ctx;
    if (load_labelled(conn, e, err, err_size))
        return NULL;
    if (e->n == 0) {
        *status = 404;
        return json_pack("{s:s}", "detail", "No labelled traffic found for evaluation");
    }
    sf_eval_metrics m;
    sf_evaluate(e->scores, e->labels, e->n, e->threshold, &m);
    PGresult *res = store(conn, e, &m, err, err_size);
    if (!res)
        return NULL;
    json_t *out = performance_json(res, 0);
    PQclear(res);
    json_object_set_new(out, "labels", json_pack("{s:I,s:I}", "operator", (json_int_t)e->from_operators,
                                                 "demo", (json_int_t)(e->n - e->from_operators)));
    return out;
}

/* The active model's version, and the detectors' decision threshold: every record's
 * anomaly_score is graded so that flagged records, and only they, score at least
 * SF_DETECT_THRESHOLD (detect.h), whatever the model. */
static void active_model(sf_detectors *d, int *version, double *threshold)
{
    pthread_rwlock_rdlock(&d->model_lock);
    *version = d->model ? d->model_version : 0;
    *threshold = SF_DETECT_THRESHOLD;
    pthread_rwlock_unlock(&d->model_lock);
}

void sf_api_model_evaluate(sf_request *r)
{
    sf_field_errors errs = {0};
    int64_t limit;
    double threshold;
    int version;
    double model_threshold;
    active_model(&r->app->detectors, &version, &model_threshold);
    sf_param_int(r, "limit", 500, 50, 5000, &limit, &errs);
    sf_param_double(r, "threshold", model_threshold, 0.0, 1.0, &threshold, &errs);
    if (sf_params_reject(r, &errs, "query"))
        return;
    evaluation *e = calloc(1, sizeof *e);
    if (!e) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    snprintf(e->limit, sizeof e->limit, "%lld", (long long)limit);
    e->threshold = threshold;
    e->model_version = version;
    sf_db_pool_submit(r->app->db_pool, r, evaluate_run, e, evaluation_free);
}
