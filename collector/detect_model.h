/* The model's life in the collector: learn the site before judging it. At start the
 * active model is loaded from the database (table models); with none, the starter model
 * compiled in at build time is stored as version 1. The starter scores but does not judge
 * (detect.h): its verdicts would be about a synthetic shop, not this site. Once
 * auto_train_rows real records (default 1,000: about three minutes at 5 requests/s) have
 * arrived, a model trained on this site's own traffic replaces it, and it is retrained each
 * time the traffic doubles (2,000, 4,000, ... up to train_max_rows), then periodically, or
 * on request (POST /api/model/train). Training takes the site's traffic as it is,
 * redirects, 404s and slow routes included: only records that the rules, payload
 * indicators and behaviour detectors are certain of are left out (anything flagged but
 * by the forest itself, unless labelled a false positive), and generated anomalies. Each
 * new model is
 * stored, marked active in one transaction, and swapped into the detectors atomically;
 * every anomaly records the version that scored it. Another collector's new active model
 * is picked up within a polling interval. Runs on its own thread and connection. */
#ifndef SF_MODEL_MANAGER_H
#define SF_MODEL_MANAGER_H

#include <jansson.h>
#include <stdint.h>

#include "collector/detect.h"

typedef struct sf_model_manager_config {
    const char *conninfo;
    int64_t auto_train_rows;     /* replace the starter after this many real records, and
                                    retrain at each doubling up to train_max_rows */
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
