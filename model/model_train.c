/* One-call training for the collector and the command line: forest, schema, threshold,
 * statistics (see model.h). */
#include "model/model.h"
#include "model/request_profile.h"
#include "model/schema.h"

#include "common/time_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sf_model_train_options_default(sf_model_train_options *opts)
{
    sf_if_params_default(&opts->forest);
    opts->contamination = SF_IF_DEFAULT_CONTAMINATION;
    opts->threshold = -1.0;
}

sf_iforest *sf_model_train(const float *rows, size_t n_rows, const char *const *names,
                           uint32_t n_features, uint32_t schema_version,
                           const sf_model_train_options *opts, char *err, size_t err_size)
{
    sf_if_params params = opts->forest;
    if (params.trained_at_us == 0)
        params.trained_at_us = sf_now_us();
    sf_iforest *m = sf_if_train(rows, n_rows, n_features, names, &params, err, err_size);
    if (!m)
        return NULL;
    m->schema_version = schema_version;
    m->schema_hash = sf_schema_hash(schema_version, (const char *const *)m->feature_names,
                                    m->n_features);
    int rc = schema_version == SF_HTTP_SCHEMA_VERSION ? sf_model_bind_http(m, err, err_size) : 0;
    if (rc < 0) {
    } else if (opts->threshold >= 0.0) {
        rc = sf_if_set_threshold(m, opts->threshold, err, err_size);
        if (rc == 0 && sf_if_fill_stats(m, rows, n_rows) < 0)
            rc = -1;
    } else {
        rc = sf_if_calibrate(m, rows, n_rows, opts->contamination, err, err_size);
    }
    if (rc < 0) {
        sf_if_free(m);
        return NULL;
    }
    return m;
}

int sf_model_bind_http(sf_iforest *model, char *err, size_t err_size)
{
    uint16_t *index = malloc(model->n_features * sizeof *index);
    if (!index) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    for (uint32_t f = 0; f < model->n_features; f++) {
        int k = 0;
        while (k < SF_HTTP_FEATURE_COUNT && strcmp(sf_http_feature_names[k],
                                                   model->feature_names[f]) != 0)
            k++;
        if (k == SF_HTTP_FEATURE_COUNT) {
            snprintf(err, err_size, "feature '%s' is not in this build's HTTP schema",
                     model->feature_names[f]);
            free(index);
            return -1;
        }
        index[f] = (uint16_t)k;
    }
    free(model->http_index);
    model->http_index = index;
    return 0;
}

int sf_model_features(const sf_iforest *model, const sf_record *rec, const char *body,
                      size_t body_len, const sf_http_context *ctx, float *row)
{
    if (!model->http_index)
        return -1;
    float base[SF_HTTP_FEATURE_COUNT];
    sf_features_from_record(rec, body, body_len, base);
    return sf_model_features_from(model, rec, body, body_len, base, ctx, row);
}

int sf_model_features_from(const sf_iforest *model, const sf_record *rec, const char *body,
                           size_t body_len, const float *base, const sf_http_context *ctx,
                           float *row)
{
    if (!model->http_index)
        return -1;
    float full[SF_HTTP_FEATURE_COUNT];
    memcpy(full, base, sizeof full);
    if (model->profile)
        sf_profile_features(model->profile, rec, body, body_len,
                            full + SF_HF_PROFILE_ROUTE_NOVELTY);
    if (ctx) {
        full[SF_HF_CTX_CLIENT_RATE] = ctx->client_rate_1m;
        full[SF_HF_CTX_CLIENT_ERROR_RATIO] = ctx->client_error_ratio_1m;
        full[SF_HF_CTX_CLIENT_DISTINCT_PATHS] = ctx->client_distinct_paths_1m;
    }
    for (uint32_t f = 0; f < model->n_features; f++)
        row[f] = full[model->http_index[f]];
    return 0;
}

size_t sf_model_reasons(const sf_iforest *model, const sf_record *rec, const char *body,
                        size_t body_len, const float *row, sf_reason *reasons,
                        size_t max_reasons)
{
    size_t n = sf_if_reasons(model, row, reasons, max_reasons);
    for (size_t i = 0; i < n && model->profile; i++) {
        if (strncmp(model->feature_names[reasons[i].feature], "profile.", 8) != 0)
            continue;
        float features[SF_PROFILE_FEATURE_COUNT];
        sf_profile_detail detail;
        sf_profile_describe(model->profile, rec, body, body_len, features, &detail);
        sf_profile_detail_text(&detail, reasons[i].text, sizeof reasons[i].text);
        break; /* one profile reason says it all */
    }
    return n;
}
