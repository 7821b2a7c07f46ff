/* Handlers for GET /api/model and POST /api/model/train. */
#ifndef SF_API_MODEL_H
#define SF_API_MODEL_H

#include "collector/http_server.h"

void sf_api_model(sf_request *r);
void sf_api_model_train(sf_request *r);

#endif
