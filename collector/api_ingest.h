/* Handlers for POST /api/traffic and POST /api/traffic/batch. */
#ifndef SF_API_INGEST_H
#define SF_API_INGEST_H

#include "collector/http_server.h"

void sf_api_traffic(sf_request *r);
void sf_api_traffic_batch(sf_request *r);
/* GET /api/stream: the live stream of what is being ingested (live_stream.h). */
void sf_api_stream(sf_request *r);

#endif
