/* The collector's shared state: configuration, the event loop, the database, start time.
 * One per process; handlers reach it through sf_request.app. */
#ifndef SF_APP_H
#define SF_APP_H

#include <event2/event.h>
#include <stdint.h>

#include "collector/collector_config.h"
#include "collector/db_monitor.h"

typedef struct sf_app {
    sf_collector_config config;
    struct event_base *base;
    const char *conninfo;      /* libpq connection string in use */
    sf_db_monitor *db_monitor; /* knows whether the database answers */
    int64_t started_us;        /* monotonic */
} sf_app;

#endif
