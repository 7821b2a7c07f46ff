/* GET /metrics: Prometheus text exposition of the collector's state. */
#ifndef SF_API_PROMETHEUS_H
#define SF_API_PROMETHEUS_H

#include "collector/http_server.h"

void sf_api_prometheus(sf_request *r);

#endif
