/* GET /api (service banner) and GET /api/health (truthful status). */
#include "collector/api_health.h"

#include "collector/app.h"
#include "common/time_util.h"

void sf_api_root(sf_request *r)
{
    sf_reply_json(r, 200, json_pack("{s:s,s:s,s:s}", "message", "SecuraFlow API", "version",
                                    SF_VERSION, "status", "running"));
}

void sf_api_health(sf_request *r)
{
    sf_app *app = r->app;
    bool db_ok = sf_db_monitor_connected(app->db_monitor);
    /* Without a model yet the collector still stores traffic: degraded, not unhealthy. */
    bool model_loaded = false;
    const char *status = db_ok ? (model_loaded ? "healthy" : "degraded") : "unhealthy";
    double uptime = (sf_monotonic_us() - app->started_us) / 1e6;
    sf_reply_json(r, 200, json_pack("{s:s,s:s,s:b,s:f,s:n,s:i,s:i}", "status", status,
                                    "database", db_ok ? "connected" : "disconnected",
                                    "model_loaded", model_loaded, "uptime_seconds", uptime,
                                    "model_version", "sensors", 0, "ingest_queue", 0));
}
