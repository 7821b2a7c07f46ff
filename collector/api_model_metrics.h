/* GET /api/model-metrics (stored evaluations) and POST /api/model-metrics/evaluate. */
#ifndef SF_API_MODEL_METRICS_H
#define SF_API_MODEL_METRICS_H

#include "collector/http_server.h"

void sf_api_model_metrics(sf_request *r);
void sf_api_model_evaluate(sf_request *r);

#endif
