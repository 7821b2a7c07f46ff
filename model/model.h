/* The model API for the collector (and the securaflow-model command), in one header:
 *
 *   train      sf_model_train_http(records, n, contexts, NULL, &opts, err) for traffic, or
 *              sf_model_train(rows, n_rows, names, n_features, schema_version, &opts, err)
 *   save       sf_model_serialize(model, &buf, &len, err)   / sf_model_save_file
 *   load       sf_model_load_buffer(buf, len, err)          / sf_model_load_file
 *   check      model->schema_version == SF_HTTP_SCHEMA_VERSION (loading an HTTP model
 *              already checks each feature name against this build's schema)
 *   features   sf_model_features(model, rec, body, body_len, &ctx, row): the model's own
 *              feature row (model->n_features floats) for a request: the HTTP features,
 *              the model's request-profile features and the per-client context
 *   score      sf_if_score(model, row) >= model->threshold  -> anomaly
 *   explain    sf_model_reasons(model, rec, body, body_len, row, reasons, 3): the
 *              strongest features as sentences, profile findings naming the parameter
 *              and character (reasons.h has sf_if_reasons for any model)
 *   free       sf_if_free(model)
 *
 * A loaded model is immutable: score and explain from any number of threads; swap models
 * by pointer (e.g. an atomic pointer plus a grace period) and free the old one when no
 * scorer holds it. */
#ifndef SF_MODEL_MODEL_H
#define SF_MODEL_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "model/features_http.h"
#include "model/iforest.h"
#include "model/model_file.h"
#include "model/reasons.h"
#include "model/threshold.h"

typedef struct sf_model_train_options {
    sf_if_params forest;     /* trees, sample size, seed, trained_at_us (0 = now) */
    double contamination;    /* threshold at this training-score quantile (default 0.01) */
    double threshold;        /* or this fixed threshold when >= 0 (set < 0 to calibrate) */
} sf_model_train_options;

void sf_model_train_options_default(sf_model_train_options *opts);

/* The feature row of a request for an HTTP model, in the model's column order (n_features
 * floats): sf_features_from_record, the "profile." features from the model's request
 * profile, and the ctx. values (ctx may be NULL: zeros). body may be NULL. Read-only on the
 * model: thread-safe. Returns 0, or -1 if the model is not an HTTP model. */
int sf_model_features(const sf_iforest *model, const sf_record *rec, const char *body,
                      size_t body_len, const sf_http_context *ctx, float *row);

/* sf_model_features for a caller that already has the record's sf_features_from_record
 * row (base, SF_HTTP_FEATURE_COUNT floats): saves computing it twice per request. */
int sf_model_features_from(const sf_iforest *model, const sf_record *rec, const char *body,
                           size_t body_len, const float *base, const sf_http_context *ctx,
                           float *row);

/* Trains an HTTP model from normal traffic records: learns the request profile (cross-
 * fitted for the training rows, see request_profile.h), computes every record's row
 * (contexts: one per record, or NULL for zeros; records carry no bodies), keeps the
 * columns named by the comma-separated prefixes (NULL: SF_HTTP_DEFAULT_FEATURES; "all"),
 * trains and calibrates, and attaches the profile. The forest options are used as given:
 * set opts->forest.range_extension = SF_HTTP_RANGE_EXTENSION as the command line does.
 * NULL with err set on failure. */
sf_iforest *sf_model_train_http(const sf_record *const *records, size_t n,
                                const sf_http_context *contexts, const char *features,
                                const sf_model_train_options *opts, char *err,
                                size_t err_size);

/* sf_if_reasons (reasons.h), with the text of a "profile." reason replaced by what the
 * request profile found (route, parameter, character or length). Thread-safe. */
size_t sf_model_reasons(const sf_iforest *model, const sf_record *rec, const char *body,
                        size_t body_len, const float *row, sf_reason *reasons,
                        size_t max_reasons);

/* Maps an HTTP model's features onto the HTTP schema (done by sf_model_train and the
 * loaders for schema_version SF_HTTP_SCHEMA_VERSION). -1 with err naming an unknown
 * feature. */
int sf_model_bind_http(sf_iforest *model, char *err, size_t err_size);

/* Trains a forest on rows (row-major n_rows x n_features, finite floats), records the
 * schema (version, names, hash), calibrates the threshold and the per-feature statistics.
 * NULL with err set on failure. */
sf_iforest *sf_model_train(const float *rows, size_t n_rows, const char *const *names,
                           uint32_t n_features, uint32_t schema_version,
                           const sf_model_train_options *opts, char *err, size_t err_size);

#endif
