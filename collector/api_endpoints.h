/* GET /api/endpoints: per route template and method, traffic and latency over a window. */
#ifndef SF_API_ENDPOINTS_H
#define SF_API_ENDPOINTS_H

#include "collector/http_server.h"

void sf_api_endpoints(sf_request *r);

#endif
