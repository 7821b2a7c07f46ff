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
};

const sf_config_schema sf_collector_schema = {
    "securaflow-collector", collector_options,
    sizeof collector_options / sizeof collector_options[0],
};
