/* The database monitor: a thread that keeps one connection and checks it every couple
 * of seconds, so /api/health tells the truth without the event loop ever waiting on
 * PostgreSQL. */
#ifndef SF_DB_MONITOR_H
#define SF_DB_MONITOR_H

#include <stdbool.h>

typedef struct sf_db_monitor sf_db_monitor;

#include <libpq-fe.h>

/* Runs on the monitor's connection after each successful check (e.g. refreshing the
 * ingest-token cache). */
typedef void (*sf_db_monitor_task)(PGconn *conn, void *arg);

sf_db_monitor *sf_db_monitor_start(const char *conninfo, int interval_ms,
                                   sf_db_monitor_task task, void *task_arg);
/* True when the last check succeeded. */
bool sf_db_monitor_connected(const sf_db_monitor *m);
void sf_db_monitor_stop(sf_db_monitor *m);

#endif
