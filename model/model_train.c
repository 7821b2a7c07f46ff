/* One-call training for the collector and the command line: forest, schema, threshold,
 * statistics (see model.h). */
#include "model/model.h"
#include "model/schema.h"

#include "common/time_util.h"

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
    int rc;
    if (opts->threshold >= 0.0) {
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
