/* GET /api/sensors, POST /api/sensors (new ingest token), POST /api/sensors/heartbeat. */
#ifndef SF_API_SENSORS_H
#define SF_API_SENSORS_H

#include "collector/http_server.h"

void sf_api_sensors(sf_request *r);
void sf_api_sensor_create(sf_request *r);
void sf_api_sensor_heartbeat(sf_request *r);

#endif
