/* securaflow-collector: loads configuration, starts (or connects to) PostgreSQL, serves
 * the API on libevent, and stops everything in order on SIGINT/SIGTERM. */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/api_health.h"
#include "collector/app.h"
#include "collector/http_server.h"
#include "collector/pg_embedded.h"
#include "common/addr.h"
#include "common/log.h"
#include "common/time_util.h"

static const sf_route routes[] = {
    {EVHTTP_REQ_GET, "/api", sf_api_root},
    {EVHTTP_REQ_GET, "/api/health", sf_api_health},
    {0, NULL, NULL},
};

static void on_signal(evutil_socket_t sig, short events, void *arg)
{
    (void)events;
    sf_logf(SF_LOG_INFO, "received %s, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    event_base_loopexit(arg, NULL);
}

static int load_config(sf_app *app, int argc, char **argv)
{
    char err[SF_CFG_ERR_MAX];
    int first_arg;
    if (sf_config_load(&sf_collector_schema, &app->config, NULL, argc, argv, &first_arg, err)) {
        if (strcmp(err, "help") == 0) {
            printf("usage: securaflow-collector [--config FILE] [options]\n");
            sf_config_usage(&sf_collector_schema);
            exit(0);
        }
        fprintf(stderr, "securaflow-collector: %s\n", err);
        return -1;
    }
    if (first_arg < argc) {
        fprintf(stderr, "securaflow-collector: unknown command '%s' (try --help)\n", argv[first_arg]);
        return -1;
    }
    char host[256];
    uint16_t port;
    if (sf_hostport_parse(app->config.listen, host, sizeof host, &port, err, sizeof err)) {
        fprintf(stderr, "securaflow-collector: listen: %s\n", err);
        return -1;
    }
    sf_log_level level;
    if (sf_log_level_parse(app->config.log_level, &level)) {
        fprintf(stderr, "securaflow-collector: log_level: '%s' is not debug, info, warn or error\n",
                app->config.log_level);
        return -1;
    }
    sf_log_set_level(level);
    return 0;
}

/* Embedded PostgreSQL under DATA_DIR/pg unless database_url is set. */
static int open_database(sf_app *app, sf_pg_embedded **pg)
{
    if (app->config.database_url[0]) {
        app->conninfo = app->config.database_url;
        return 0;
    }
    if (mkdir(app->config.data_dir, 0755) && errno != EEXIST) {
        sf_logf(SF_LOG_ERROR, "cannot create data directory %s: %s", app->config.data_dir,
                strerror(errno));
        return -1;
    }
    char dir[4096], err[1024];
    snprintf(dir, sizeof dir, "%s/pg", app->config.data_dir);
    *pg = sf_pg_embedded_start(dir, NULL, err, sizeof err);
    if (!*pg) {
        sf_logf(SF_LOG_ERROR, "embedded PostgreSQL: %s", err);
        return -1;
    }
    app->conninfo = sf_pg_embedded_conninfo(*pg);
    return 0;
}

static int serve(sf_app *app)
{
    char err[512];
    evthread_use_pthreads();
    app->base = event_base_new();
    sf_http_server *srv = sf_http_server_start(app->base, app, app->config.listen, routes, err,
                                               sizeof err);
    if (!srv) {
        sf_logf(SF_LOG_ERROR, "%s", err);
        event_base_free(app->base);
        return -1;
    }
    struct event *sigint = evsignal_new(app->base, SIGINT, on_signal, app->base);
    struct event *sigterm = evsignal_new(app->base, SIGTERM, on_signal, app->base);
    event_add(sigint, NULL);
    event_add(sigterm, NULL);
    sf_log(SF_LOG_INFO, "collector listening",
           json_pack("{s:s,s:s}", "listen", app->config.listen, "version", SF_VERSION));
    event_base_dispatch(app->base);
    sf_http_server_free(srv);
    event_free(sigint);
    event_free(sigterm);
    event_base_free(app->base);
    return 0;
}

int main(int argc, char **argv)
{
    static sf_app app;
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) {
        fprintf(stderr, "securaflow-collector: libsodium failed to initialise\n");
        return 1;
    }
    if (load_config(&app, argc, argv)) {
        sf_config_free(&sf_collector_schema, &app.config);
        return 2;
    }
    app.started_us = sf_monotonic_us();
    sf_pg_embedded *pg = NULL;
    int rc = 1;
    if (open_database(&app, &pg) == 0) {
        app.db_monitor = sf_db_monitor_start(app.conninfo, 2000);
        rc = serve(&app) ? 1 : 0;
        sf_db_monitor_stop(app.db_monitor);
    }
    sf_pg_embedded_stop(pg);
    sf_config_free(&sf_collector_schema, &app.config);
    sf_log_info("collector stopped");
    return rc;
}
