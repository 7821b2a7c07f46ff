/* The collector's shared state: configuration, the event loop, the database pieces, the
 * detectors. One per process; handlers reach it through sf_request.app. */
#ifndef SF_APP_H
#define SF_APP_H

#include <event2/event.h>
#include <stdint.h>

#include "collector/auth_cidr.h"
#include "collector/auth_jwt.h"
#include "collector/auth_lookup.h"
#include "collector/auth_rate_limit.h"
#include "collector/auth_token_memo.h"
#include "collector/auth_user_cache.h"
#include "collector/collector_config.h"
#include "collector/db_monitor.h"
#include "collector/db_pool.h"
#include "collector/db_writer.h"
#include "collector/detect.h"
#include "collector/ingest_metrics.h"
#include "collector/ingest_pipeline.h"
#include "collector/ingest_tokens.h"
#include "collector/live_stream.h"
#include "collector/loop_mailbox.h"
#include "collector/detect_model.h"
#include "collector/sensor_registry.h"

typedef struct sf_app {
    sf_collector_config config;
    struct event_base *base;
    const char *conninfo;          /* libpq connection string in use */
    sf_db_monitor *db_monitor;     /* knows whether the database answers */
    sf_loop_mailbox *mailbox;      /* worker threads -> loop */
    sf_db_pool *db_pool;           /* read queries off the loop */
    sf_db_pool *auth_pool;         /* logins and signups (argon2id), apart from the reads */
    sf_db_writer *writer;          /* the one writer of traffic */
    sf_ingest_pipeline *ingest;    /* decode + detect workers */
    sf_ingest_metrics ingest_metrics; /* how ingest requests were answered (loop thread) */
    sf_detectors detectors;
    sf_model_manager *models;      /* loads, trains and swaps the model */
    sf_token_cache *tokens;
    sf_jwt_key jwt_key;            /* signs and checks user tokens */
    sf_token_memo *token_memo;     /* user tokens already verified (loop thread) */
    sf_user_cache *users;          /* account states for token checks */
    sf_auth_lookup *auth_lookup;   /* the gate's database questions */
    sf_cidr_list *metrics_allow;   /* may read GET /metrics without a token */
    sf_cidr_list *trusted_proxies; /* whose X-Forwarded-For is believed */
    sf_rate_limit *rate_limit;     /* request buckets (http_access.c) */
    struct sf_http_server *http;   /* the server (its connection counts for /metrics) */
    char **cors_origins;           /* NULL-terminated; exact Origin values allowed */
    bool closing;                  /* workers are stopping: late lookups answer 503 */
    sf_sensor_registry *sensors;   /* sensors heard from, for health */
    struct sf_sensor_watch *sensor_watch; /* heartbeats, for sensor_silence (detect_sensors.h) */
    struct event *sensor_watch_timer;
    sf_live_stream *stream;        /* GET /api/stream subscribers */
    int64_t started_us;            /* monotonic */
} sf_app;

#endif
