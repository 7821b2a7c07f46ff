/* The API's route table (see routes.h). Order matters only between patterns that could
 * match the same path: the first match wins. */
#include "collector/routes.h"

#include "collector/api_anomalies.h"
#include "collector/api_auth.h"
#include "collector/api_demo.h"
#include "collector/api_endpoints.h"
#include "collector/api_health.h"
#include "collector/api_ingest.h"
#include "collector/api_metrics.h"
#include "collector/api_model.h"
#include "collector/api_model_metrics.h"
#include "collector/api_openapi.h"
#include "collector/api_prometheus.h"
#include "collector/api_sensors.h"

const sf_route sf_collector_routes[] = {
    {EVHTTP_REQ_GET, "/api", sf_api_root, SF_ACCESS_OPEN},
    {EVHTTP_REQ_GET, "/api/health", sf_api_health, SF_ACCESS_OPEN},
    {EVHTTP_REQ_GET, "/api/openapi.json", sf_api_openapi, SF_ACCESS_OPEN},
    {EVHTTP_REQ_POST, "/api/auth/signup", sf_api_auth_signup, SF_ACCESS_LOGIN},
    {EVHTTP_REQ_POST, "/api/auth/login", sf_api_auth_login, SF_ACCESS_LOGIN},
    {EVHTTP_REQ_POST, "/api/auth/demo", sf_api_auth_demo, SF_ACCESS_OPEN},
    {EVHTTP_REQ_GET, "/api/auth/me", sf_api_auth_me, SF_ACCESS_READ},
    {EVHTTP_REQ_POST, "/api/traffic", sf_api_traffic, SF_ACCESS_TRAFFIC},
    {EVHTTP_REQ_POST, "/api/traffic/batch", sf_api_traffic_batch, SF_ACCESS_INGEST},
    {EVHTTP_REQ_GET, "/api/metrics", sf_api_metrics, SF_ACCESS_READ},
    {EVHTTP_REQ_GET, "/api/anomalies", sf_api_anomalies, SF_ACCESS_READ},
    {EVHTTP_REQ_POST, "/api/anomalies/{id}/resolve", sf_api_anomaly_resolve, SF_ACCESS_ANALYST},
    {EVHTTP_REQ_POST, "/api/anomalies/{id}/label", sf_api_anomaly_label, SF_ACCESS_ANALYST},
    {EVHTTP_REQ_GET, "/api/endpoints", sf_api_endpoints, SF_ACCESS_READ},
    {EVHTTP_REQ_GET, "/api/model-metrics", sf_api_model_metrics, SF_ACCESS_READ},
    {EVHTTP_REQ_POST, "/api/model-metrics/evaluate", sf_api_model_evaluate, SF_ACCESS_ANALYST},
    {EVHTTP_REQ_POST, "/api/demo/generate", sf_api_demo_generate, SF_ACCESS_DEMO},
    {EVHTTP_REQ_DELETE, "/api/demo", sf_api_demo_delete, SF_ACCESS_ANALYST},
    {EVHTTP_REQ_GET, "/api/sensors", sf_api_sensors, SF_ACCESS_READ},
    {EVHTTP_REQ_POST, "/api/sensors", sf_api_sensor_create, SF_ACCESS_ADMIN},
    {EVHTTP_REQ_POST, "/api/sensors/heartbeat", sf_api_sensor_heartbeat, SF_ACCESS_INGEST},
    {EVHTTP_REQ_GET, "/api/stream", sf_api_stream, SF_ACCESS_READ},
    {EVHTTP_REQ_GET, "/api/model", sf_api_model, SF_ACCESS_READ},
    {EVHTTP_REQ_POST, "/api/model/train", sf_api_model_train, SF_ACCESS_ANALYST},
    {EVHTTP_REQ_GET, "/metrics", sf_api_prometheus, SF_ACCESS_METRICS},
    {0, NULL, NULL, SF_ACCESS_OPEN},
};
