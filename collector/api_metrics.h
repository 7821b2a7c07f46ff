/* GET /api/metrics: per-bucket, per-route aggregates from the per-minute rollups. */
#ifndef SF_API_METRICS_H
#define SF_API_METRICS_H

#include "collector/http_server.h"

void sf_api_metrics(sf_request *r);

#endif
