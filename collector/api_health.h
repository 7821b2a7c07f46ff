/* Handlers for GET /api and GET /api/health. */
#ifndef SF_API_HEALTH_H
#define SF_API_HEALTH_H

#include "collector/http_server.h"

void sf_api_root(sf_request *r);
void sf_api_health(sf_request *r);

#endif
