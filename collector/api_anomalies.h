/* GET /api/anomalies, POST /api/anomalies/{id}/resolve, POST /api/anomalies/{id}/label. */
#ifndef SF_API_ANOMALIES_H
#define SF_API_ANOMALIES_H

#include "collector/http_server.h"

void sf_api_anomalies(sf_request *r);
void sf_api_anomaly_resolve(sf_request *r);
void sf_api_anomaly_label(sf_request *r);

#endif
