/* GET /api (service banner) and GET /api/health (truthful status). */
#include "collector/api_health.h"

#include "collector/app.h"
#include "collector/sensor_registry.h"
#include "common/time_util.h"

void sf_api_root(sf_request *r)
{
    sf_reply_json(r, 200, json_pack("{s:s,s:s,s:s}", "message", "SecuraFlow API", "version",
                                    SF_VERSION, "status", "running"));
}

void sf_api_health(sf_request *r)
{
    sf_app *app = r->app;
    sf_db_writer_stats ws;
    sf_db_writer_get_stats(app->writer, &ws);
    bool db_ok = sf_db_monitor_connected(app->db_monitor) && ws.healthy;
    int model_version = sf_detectors_model_version(&app->detectors);
    json_int_t queue = ws.queued_records + sf_ingest_pipeline_pending(app->ingest);
    /* Degraded: it still accepts records but cannot store them yet (they wait in the
     * queue), or scores by rules only. Unhealthy: the database is away and the queue is
     * nearly full, so new records are being turned away. */
    bool queue_full = ws.queued_records * 10 >= app->config.ingest_queue_max * 9;
    const char *status = !db_ok ? (queue_full ? "unhealthy" : "degraded")
                                : model_version ? "healthy" : "degraded";
    double uptime = (sf_monotonic_us() - app->started_us) / 1e6;
    sf_reply_json(r, 200, json_pack("{s:s,s:s,s:b,s:f,s:o,s:i,s:I}", "status", status,
                                    "database", db_ok ? "connected" : "disconnected",
                                    "model_loaded", model_version > 0, "uptime_seconds", uptime,
                                    "model_version", model_version ? json_integer(model_version) : json_null(),
                                    "sensors", sf_sensors_recent_count(app), "ingest_queue", queue));
}
