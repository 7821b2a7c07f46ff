/* The database monitor thread (see db_monitor.h). */
#include "collector/db_monitor.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

struct sf_db_monitor {
    char *conninfo;
    int interval_ms;
    atomic_bool connected;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    pthread_t thread;
    sf_db_monitor_task task;
    void *task_arg;
};

static bool check(PGconn **conn, const char *conninfo)
{
    if (!*conn || PQstatus(*conn) != CONNECTION_OK) {
        PQfinish(*conn);
        *conn = PQconnectdb(conninfo);
        if (PQstatus(*conn) != CONNECTION_OK)
            return false;
    }
    PGresult *r = PQexec(*conn, "SELECT 1");
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    if (!ok)
        PQreset(*conn);
    return ok;
}

static void *monitor_main(void *arg)
{
    sf_db_monitor *m = arg;
    PGconn *conn = NULL;
    pthread_mutex_lock(&m->lock);
    while (!m->stopping) {
        pthread_mutex_unlock(&m->lock);
        bool ok = check(&conn, m->conninfo);
        if (ok != atomic_load(&m->connected))
            sf_logf(ok ? SF_LOG_INFO : SF_LOG_WARN, "database %s", ok ? "connected" : "unreachable");
        atomic_store(&m->connected, ok);
        if (ok && m->task)
            m->task(conn, m->task_arg);
        pthread_mutex_lock(&m->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += m->interval_ms / 1000;
        until.tv_nsec += (long)(m->interval_ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        if (!m->stopping)
            pthread_cond_timedwait(&m->wake, &m->lock, &until);
    }
    pthread_mutex_unlock(&m->lock);
    PQfinish(conn);
    return NULL;
}

sf_db_monitor *sf_db_monitor_start(const char *conninfo, int interval_ms,
                                   sf_db_monitor_task task, void *task_arg)
{
    sf_db_monitor *m = calloc(1, sizeof *m);
    if (!m || !(m->conninfo = strdup(conninfo))) {
        free(m);
        return NULL;
    }
    m->interval_ms = interval_ms;
    m->task = task;
    m->task_arg = task_arg;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->wake, NULL);
    /* First check before serving, so health is right from the first request. */
    PGconn *probe = PQconnectdb(conninfo);
    atomic_store(&m->connected, PQstatus(probe) == CONNECTION_OK);
    if (PQstatus(probe) == CONNECTION_OK && task)
        task(probe, task_arg);
    PQfinish(probe);
    if (pthread_create(&m->thread, NULL, monitor_main, m) != 0) {
        free(m->conninfo);
        free(m);
        return NULL;
    }
    pthread_setname_np(m->thread, "sf-db-monitor");
    return m;
}

bool sf_db_monitor_connected(const sf_db_monitor *m)
{
    return m && atomic_load(&((sf_db_monitor *)m)->connected);
}

void sf_db_monitor_stop(sf_db_monitor *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    m->stopping = true;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->thread, NULL);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->wake);
    free(m->conninfo);
    free(m);
}
