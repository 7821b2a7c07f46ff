/* Training an HTTP model straight from traffic records (see model.h): the collector's
 * retraining path. Same steps as `securaflow-model train --format http`: cross-fitted
 * request profile, default feature columns, forest, threshold, profile attached. */
#include "model/dataset.h"
#include "model/model.h"
#include "model/request_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct profiles {
    sf_profile *full, *half[2];
} profiles;

static void profiles_free(profiles *p)
{
    sf_profile_free(p->full);
    sf_profile_free(p->half[0]);
    sf_profile_free(p->half[1]);
}

static int learn_all(profiles *p, const sf_record *const *records, size_t n)
{
    p->full = sf_profile_new();
    p->half[0] = sf_profile_new();
    p->half[1] = sf_profile_new();
    if (!p->full || !p->half[0] || !p->half[1])
        return -1;
    for (size_t i = 0; i < n; i++)
        if (sf_profile_learn(p->full, records[i], NULL, 0) < 0 ||
            sf_profile_learn(p->half[sf_profile_half_of(i)], records[i], NULL, 0) < 0)
            return -1;
    return 0;
}

/* Every record's full schema row, profile features from the other half. */
static int fill_rows(const profiles *p, const sf_record *const *records, size_t n,
                     const sf_http_context *contexts, sf_dataset *ds, char *err,
                     size_t err_size)
{
    if (sf_dataset_init(ds, SF_HTTP_FEATURE_COUNT, sf_http_feature_names, 0) < 0) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    float row[SF_HTTP_FEATURE_COUNT];
    for (size_t i = 0; i < n; i++) {
        sf_features_from_record(records[i], NULL, 0, row);
        sf_profile_features(p->half[1 - sf_profile_half_of(i)], records[i], NULL, 0,
                            row + SF_HF_PROFILE_ROUTE_NOVELTY);
        if (contexts) {
            row[SF_HF_CTX_CLIENT_RATE] = contexts[i].client_rate_1m;
            row[SF_HF_CTX_CLIENT_ERROR_RATIO] = contexts[i].client_error_ratio_1m;
            row[SF_HF_CTX_CLIENT_DISTINCT_PATHS] = contexts[i].client_distinct_paths_1m;
        }
        if (sf_dataset_append(ds, row, 0, err, err_size) < 0)
            return -1;
    }
    return 0;
}

sf_iforest *sf_model_train_http(const sf_record *const *records, size_t n,
                                const sf_http_context *contexts, const char *features,
                                const sf_model_train_options *opts, char *err,
                                size_t err_size)
{
    profiles p = {0};
    sf_dataset ds = {0};
    sf_iforest *m = NULL;
    const char *keep = features ? features : SF_HTTP_DEFAULT_FEATURES;
    if (learn_all(&p, records, n) < 0) {
        snprintf(err, err_size, "out of memory learning the request profile");
        goto done;
    }
    if (fill_rows(&p, records, n, contexts, &ds, err, err_size) < 0)
        goto done;
    if (strcmp(keep, "all") != 0 && sf_dataset_select_columns(&ds, keep, 1) < 0) {
        snprintf(err, err_size, "feature selection '%s' matches no column", keep);
        goto done;
    }
    m = sf_model_train(ds.values, ds.rows, (const char *const *)ds.names, ds.cols,
                       SF_HTTP_SCHEMA_VERSION, opts, err, err_size);
    if (m) {
        m->profile = p.full;
        p.full = NULL;
    }
done:
    profiles_free(&p);
    sf_dataset_free(&ds);
    return m;
}
