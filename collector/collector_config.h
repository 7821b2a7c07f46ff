/* The collector's configuration: its options table (file, SECURAFLOW_* variables, flags). */
#ifndef SF_COLLECTOR_CONFIG_H
#define SF_COLLECTOR_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "collector/detect.h"
#include "common/config.h"

typedef struct sf_collector_config {
    char *listen;            /* "127.0.0.1:8080" */
    char *data_dir;          /* "./var": embedded PostgreSQL under DATA_DIR/pg, keys, etc. */
    char *database_url;      /* empty = embedded PostgreSQL */
    char *log_level;
    char *dashboard_dir;     /* static files served at / */
    int64_t body_limit;      /* single-record calls */
    int64_t batch_body_limit;
    int64_t request_timeout_ms;
    bool allow_anonymous_ingest;   /* development: ingest without token from loopback */
    int64_t ingest_workers;
    int64_t ingest_queue_max;      /* records waiting for the writer */
    int64_t write_group_max;       /* records per transaction */
    int64_t max_inflated;          /* largest decompressed batch */
    int64_t read_connections;      /* read pool size */
    int64_t api_cache_bytes;       /* read API answer cache (api_cache.h); 0 = off */
    int64_t retention_days;
    int64_t aggregate_retention_days;
    int64_t client_table_size;     /* clients tracked for per-client context */
    int64_t shutdown_drain_ms;
    int64_t auto_train_rows;       /* replace the starter model after this many records */
    int64_t retrain_interval_ms;
    int64_t train_max_rows;
    int64_t model_trees;
    int64_t model_sample_size;
    double model_contamination;
    /* accounts, tokens, limits (auth_*.c, http_access.c) */
    char *jwt_key_file;            /* empty = DATA_DIR/jwt.key, made at first start */
    int64_t token_lifetime_ms;
    bool allow_signup;
    int64_t user_cache_size;
    int64_t rate_limit;            /* requests per minute per client on /api/...; 0 = off */
    int64_t login_rate_limit;      /* per address on login and signup; 0 = off */
    int64_t ingest_rate_limit;     /* per ingest token; 0 = unlimited */
    int64_t rate_limit_clients;    /* buckets kept (least recently used dropped) */
    char *trusted_proxies;
    char *metrics_allow;
    char *cors_origins;
    int64_t max_connections;       /* 0 = from the open-file limit */
    int64_t max_connections_per_client;
    char *tls_cert;
    char *tls_key;
    sf_detect_config detect;       /* [detect] thresholds (detect.h) */
} sf_collector_config;

extern const sf_config_schema sf_collector_schema;

#endif
