/* The collector's options table: names, types, defaults and bounds. */
#include "collector/collector_config.h"

#include <stddef.h>

#define OPT(key, type, def, lo, hi, field, help) \
    {key, type, def, lo, hi, offsetof(sf_collector_config, field), help}

static const sf_config_option collector_options[] = {
    OPT("listen", SF_CFG_STRING, "127.0.0.1:8080", 0, 0, listen, "HTTP address:port to serve"),
    OPT("data_dir", SF_CFG_STRING, "./var", 0, 0, data_dir,
        "state directory (embedded PostgreSQL in DATA_DIR/pg)"),
    OPT("database_url", SF_CFG_STRING, "", 0, 0, database_url,
        "libpq URL of an external PostgreSQL; empty = embedded"),
    OPT("log_level", SF_CFG_STRING, "info", 0, 0, log_level, "debug, info, warn or error"),
    OPT("dashboard_dir", SF_CFG_STRING, "dashboard/dist", 0, 0, dashboard_dir,
        "built dashboard served at /"),
    OPT("body_limit", SF_CFG_SIZE, "1MiB", 1024, 1073741824.0, body_limit,
        "largest request body for single calls"),
    OPT("batch_body_limit", SF_CFG_SIZE, "16MiB", 1024, 1073741824.0, batch_body_limit,
        "largest batch body (before decompression)"),
    OPT("request_timeout", SF_CFG_DURATION, "30s", 100, 3600000, request_timeout_ms,
        "time a client has to send its request"),
    OPT("allow_anonymous_ingest", SF_CFG_BOOL, "false", 0, 0, allow_anonymous_ingest,
        "development: accept ingest without a token from loopback clients"),
    OPT("ingest_workers", SF_CFG_INT, "2", 1, 64, ingest_workers,
        "threads decoding and scoring ingested records"),
    OPT("ingest_queue_max", SF_CFG_INT, "200000", 1000, 100000000, ingest_queue_max,
        "records waiting to be stored; beyond it ingest answers 503"),
    OPT("write_group_max", SF_CFG_INT, "40000", 1, 1000000, write_group_max,
        "records stored per transaction"),
    OPT("max_inflated", SF_CFG_SIZE, "128MiB", 1024, 4294967296.0, max_inflated,
        "largest batch body after gzip decompression"),
    OPT("read_connections", SF_CFG_INT, "4", 1, 64, read_connections,
        "database connections serving API reads"),
    OPT("api_cache_bytes", SF_CFG_SIZE, "64MiB", 0, 17179869184.0, api_cache_bytes,
        "memory for cached read API answers, gzip copies included (0 = no cache)"),
    OPT("retention_days", SF_CFG_INT, "7", 1, 3650, retention_days, "days raw traffic is kept"),
    OPT("aggregate_retention_days", SF_CFG_INT, "90", 1, 36500, aggregate_retention_days,
        "days rollups and anomalies are kept"),
    OPT("client_table_size", SF_CFG_INT, "65536", 64, 16777216, client_table_size,
        "clients tracked for per-client context (memory: ~450 bytes each)"),
    OPT("shutdown_drain", SF_CFG_DURATION, "30s", 0, 3600000, shutdown_drain_ms,
        "time to store queued records at shutdown"),
    OPT("auto_train_rows", SF_CFG_INT, "10000", 0, 100000000, auto_train_rows,
        "replace the starter model with one trained on this many real records (0 = never)"),
    OPT("retrain_interval", SF_CFG_DURATION, "24h", 0, 31536000000.0, retrain_interval_ms,
        "retrain on recent normal traffic this often (0 = only on request)"),
    OPT("train_max_rows", SF_CFG_INT, "100000", 256, 10000000, train_max_rows,
        "most recent normal records used for training"),
    OPT("model_trees", SF_CFG_INT, "100", 1, 10000, model_trees, "Isolation Forest trees"),
    OPT("model_sample_size", SF_CFG_INT, "256", 2, 65535, model_sample_size,
        "Isolation Forest sample size (psi)"),
    OPT("model_contamination", SF_CFG_DOUBLE, "0.01", 0.0001, 0.5, model_contamination,
        "share of training records above the anomaly threshold"),
};

const sf_config_schema sf_collector_schema = {
    "securaflow-collector", collector_options,
    sizeof collector_options / sizeof collector_options[0],
};
