/* POST /api/demo/generate (labelled demo traffic) and DELETE /api/demo. */
#ifndef SF_API_DEMO_H
#define SF_API_DEMO_H

#include "collector/http_server.h"

void sf_api_demo_generate(sf_request *r);
void sf_api_demo_delete(sf_request *r);

#endif
