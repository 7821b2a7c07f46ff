/* The model's life in the collector. At start the active model is loaded from the
 * database (table models); with none, the starter model compiled in at build time is
 * stored as version 1 and used. Once N real records (default 10,000) have arrived, a model
 * trained on them replaces the starter; afterwards the model is retrained periodically,
 * or on request (POST /api/model/train), on recent traffic that was not flagged (or was
 * flagged but labelled a false positive) and is not a generated anomaly. Each new model is
 * stored, marked active in one transaction, and swapped into the detectors atomically;
 * every anomaly records the version that scored it. Another collector's new active model
 * is picked up within a polling interval. Runs on its own thread and connection. */
#ifndef SF_MODEL_MANAGER_H
#define SF_MODEL_MANAGER_H

#include <jansson.h>
#include <stdint.h>

#include "collector/detectors.h"

typedef struct sf_model_manager_config {
    const char *conninfo;
    int64_t auto_train_rows;     /* replace the starter after this many real records */
    int64_t retrain_interval_ms; /* 0 = only on request */
    int64_t train_max_rows;      /* most recent rows used for training */
    int64_t train_min_rows;
    int trees, sample_size;
    double contamination;
} sf_model_manager_config;

typedef struct sf_model_manager sf_model_manager;

sf_model_manager *sf_model_manager_start(const sf_model_manager_config *cfg, sf_detectors *d);
/* Starts a training run; -1 if one is already running. */
int sf_model_manager_request_train(sf_model_manager *m);
/* {"state": "idle|training|failed", "source": "starter|trained", "last_error", ...} */
json_t *sf_model_manager_status(sf_model_manager *m);
void sf_model_manager_stop(sf_model_manager *m);

#endif
