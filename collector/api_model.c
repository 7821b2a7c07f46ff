/* GET /api/model (the active model and training progress) and POST /api/model/train. */
#include "collector/api_model.h"

#include "collector/app.h"
#include "common/time_util.h"
#include "model/model.h"

static json_t *model_json(sf_detectors *d)
{
    pthread_rwlock_rdlock(&d->model_lock);
    const sf_iforest *m = d->model;
    json_t *o;
    if (!m) {
        o = json_pack("{s:n}", "version");
    } else {
        char trained[SF_RFC3339_LEN];
        json_t *names = json_array();
        for (uint32_t f = 0; f < m->n_features; f++)
            json_array_append_new(names, json_string(m->feature_names[f]));
        o = json_pack("{s:i,s:s,s:I,s:o,s:f,s:f,s:i,s:i,s:i}", "version", d->model_version,
                      "trained_at", sf_time_format(m->trained_at_us, trained, sizeof trained),
                      "training_rows", (json_int_t)m->train_rows, "feature_names", names,
                      "threshold", m->threshold, "contamination", m->contamination, "trees",
                      (int)m->n_trees, "sample_size", (int)m->sample_size, "schema_version",
                      (int)m->schema_version);
    }
    pthread_rwlock_unlock(&d->model_lock);
    return o;
}

void sf_api_model(sf_request *r)
{
    json_t *o = model_json(&r->app->detectors);
    json_t *status = sf_model_manager_status(r->app->models);
    json_object_set(o, "source", json_object_get(status, "source"));
    json_object_set_new(o, "training", status);
    sf_reply_json(r, 200, o);
}

void sf_api_model_train(sf_request *r)
{
    if (sf_model_manager_request_train(r->app->models) != 0) {
        sf_reply_error(r, 409, "Training already in progress");
        return;
    }
    sf_reply_json(r, 202, json_pack("{s:s,s:s}", "status", "training",
                                    "message", "Training started; GET /api/model shows progress"));
}
