/* GET /api/openapi.json: the OpenAPI 3.1 document of api.md. */
#ifndef SF_API_OPENAPI_H
#define SF_API_OPENAPI_H

#include "collector/http_server.h"

void sf_api_openapi(sf_request *r);

#endif
