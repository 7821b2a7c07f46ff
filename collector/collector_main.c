/* securaflow-collector: loads configuration, starts (or connects to) PostgreSQL, applies
 * migrations, starts the writer, the ingest workers and the read pool, serves the API on
 * libevent, and on SIGINT/SIGTERM stops taking requests, stores what was accepted,
 * answers it, and stops everything in order.
 *
 *   securaflow-collector [options]                  serve
 *   securaflow-collector [options] token create|list|revoke ...  ingest tokens
 *   securaflow-collector [options] user add|passwd|disable|enable|list ...  accounts
 *   securaflow-collector [options] migrate            apply schema migrations and exit
 * (the account and token commands: cli_accounts.h) */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/api_cache.h"
#include "collector/collector_account.h"
#include "collector/app.h"
#include "collector/auth_password.h"
#include "collector/cli_accounts.h"
#include "collector/db_migrations.h"
#include "collector/detect_sensors.h"
#include "collector/http_cors.h"
#include "collector/http_server.h"
#include "collector/pg_embedded.h"
#include "collector/routes.h"
#include "common/addr.h"
#include "common/log.h"
#include "common/time_util.h"

typedef struct shutdown_state {
    sf_app *app;
    sf_http_server *srv;
    struct event *tick;
    int64_t deadline_us;
} shutdown_state;

/* Installed (SF_INSTALLED builds), the collector and an operator's commands read the
 * service's configuration unless --config names another file. */
#ifdef SF_COLLECTOR_DEFAULT_CONFIG
#define DEFAULT_CONFIG SF_COLLECTOR_DEFAULT_CONFIG
#else
#define DEFAULT_CONFIG NULL
#endif

static int load_config(sf_app *app, int argc, char **argv, int *first_arg)
{
    char err[SF_CFG_ERR_MAX];
    if (sf_config_load(&sf_collector_schema, &app->config, DEFAULT_CONFIG, argc, argv, first_arg,
                       err)) {
        if (strcmp(err, "help") == 0) {
            printf("usage: securaflow-collector [--config FILE] [options] [user ... | token ... | migrate]\n");
            sf_config_usage(&sf_collector_schema);
            exit(0);
        }
        fprintf(stderr, "securaflow-collector: %s\n", err);
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

/* Embedded PostgreSQL under DATA_DIR/pg unless database_url is set; then migrations. */
static int open_database(sf_app *app, sf_pg_embedded **pg, bool command)
{
    if (app->config.database_url[0]) {
        app->conninfo = app->config.database_url;
    } else {
        if (mkdir(app->config.data_dir, 0755) && errno != EEXIST) {
            sf_logf(SF_LOG_ERROR, "cannot create data directory %s: %s", app->config.data_dir,
                    strerror(errno));
            return -1;
        }
        char dir[4096], err[1024];
        snprintf(dir, sizeof dir, "%s/pg", app->config.data_dir);
        sf_pg_embedded_options opts = {.share_running = command};
        *pg = sf_pg_embedded_start(dir, &opts, err, sizeof err);
        if (!*pg) {
            sf_logf(SF_LOG_ERROR, "embedded PostgreSQL: %s", err);
            return -1;
        }
        app->conninfo = sf_pg_embedded_conninfo(*pg);
    }
    PGconn *conn = PQconnectdb(app->conninfo);
    char err[1024];
    int rc = PQstatus(conn) == CONNECTION_OK ? sf_db_migrate(conn, err, sizeof err) : -1;
    if (PQstatus(conn) != CONNECTION_OK)
        snprintf(err, sizeof err, "%s", PQerrorMessage(conn));
    if (rc)
        sf_logf(SF_LOG_ERROR, "database: %s", err);
    PQfinish(conn);
    return rc;
}

static int run_command(sf_app *app, int argc, char **argv)
{
    if (strcmp(argv[0], "migrate") == 0 && argc == 1)
        return 0; /* open_database already migrated */
    if (strcmp(argv[0], "token") == 0 || strcmp(argv[0], "user") == 0) {
        PGconn *conn = PQconnectdb(app->conninfo);
        int rc = 1;
        if (PQstatus(conn) == CONNECTION_OK)
            rc = sf_cli_accounts(conn, argc, argv);
        else
            fprintf(stderr, "securaflow-collector: database: %s\n", PQerrorMessage(conn));
        PQfinish(conn);
        return rc;
    }
    fprintf(stderr, "securaflow-collector: unknown command '%s' (commands: user, token, migrate)\n",
            argv[0]);
    return 2;
}

/* Every couple of seconds, on the database monitor's connection: the valid ingest-token
 * hashes and the accounts changed since the last look. */
static void refresh_auth(PGconn *conn, void *arg)
{
    sf_app *app = arg;
    sf_token_cache_refresh(app->tokens, conn);
    sf_user_cache_refresh(app->users, conn);
}

/* Accounts, tokens and address lists; -1 with the reason logged. */
static int start_auth(sf_app *app)
{
    char err[512];
    if (sf_jwt_key_load(&app->jwt_key, app->config.jwt_key_file, app->config.data_dir, err,
                        sizeof err) != 0) {
        sf_logf(SF_LOG_ERROR, "%s", err);
        return -1;
    }
    app->metrics_allow = sf_cidr_list_parse(app->config.metrics_allow, err, sizeof err);
    if (!app->metrics_allow) {
        sf_logf(SF_LOG_ERROR, "metrics_allow: %s", err);
        return -1;
    }
    app->trusted_proxies = sf_cidr_list_parse(app->config.trusted_proxies, err, sizeof err);
    if (!app->trusted_proxies) {
        sf_logf(SF_LOG_ERROR, "trusted_proxies: %s", err);
        return -1;
    }
    app->rate_limit = sf_rate_limit_new((uint32_t)app->config.rate_limit_clients);
    app->cors_origins = sf_cors_origins_parse(app->config.cors_origins);
    if (!app->rate_limit || !app->cors_origins) {
        sf_log_error("cannot allocate the rate-limit buckets (rate_limit_clients) or CORS list");
        return -1;
    }
    app->token_memo = sf_token_memo_new();
    app->users = sf_user_cache_new((uint32_t)app->config.user_cache_size);
    if (!app->users || !app->token_memo || sf_password_init() != 0) {
        sf_log_error("cannot start accounts (out of memory?)");
        return -1;
    }
    app->auth_lookup = sf_auth_lookup_start(app->conninfo, 256, app->mailbox);
    /* Two threads hash passwords (64 MiB each), so a burst of logins from many addresses
     * waits in its own bounded queue (503 when full) instead of stalling the reads. */
    app->auth_pool = sf_db_pool_start(app->conninfo, 2, 64, app->mailbox);
    return app->auth_lookup && app->auth_pool ? 0 : -1;
}

static int start_workers(sf_app *app)
{
    app->mailbox = sf_loop_mailbox_new(app->base);
    app->config.detect.client_table_size = app->config.client_table_size;
    if (sf_detectors_init(&app->detectors, &app->config.detect))
        return -1;
    app->tokens = sf_token_cache_new();
    if (start_auth(app))
        return -1;
    app->sensors = sf_sensor_registry_new();
    app->stream = sf_live_stream_new(app->base, app->sensors, 100);
    app->db_monitor = sf_db_monitor_start(app->conninfo, 2000, refresh_auth, app);
    sf_model_manager_config mc = {app->conninfo, app->config.auto_train_rows,
                                  app->config.retrain_interval_ms, app->config.train_max_rows,
                                  256, (int)app->config.model_trees,
                                  (int)app->config.model_sample_size,
                                  app->config.model_contamination};
    app->models = sf_model_manager_start(&mc, &app->detectors);
    sf_db_writer_config wc = {app->conninfo, app->config.ingest_queue_max,
                              app->config.write_group_max, (int)app->config.retention_days,
                              (int)app->config.aggregate_retention_days};
    app->writer = sf_db_writer_start(&wc, app->mailbox);
    app->sensor_watch = sf_sensor_watch_new();
    if (app->sensor_watch)
        sf_sensor_watch_start(app);
    /* Older records would be dropped by the retention job: refuse them (an hour of slack
     * for clocks and for demo data generated exactly retention_days back). */
    sf_ingest_pipeline_config pc = {(int)app->config.ingest_workers, 256,
                                    (size_t)app->config.max_inflated,
                                    (app->config.retention_days * 86400LL + 3600) * 1000000};
    app->ingest = sf_ingest_pipeline_start(&pc, &app->detectors, app->writer, app->mailbox);
    app->db_pool = sf_db_pool_start(app->conninfo, (int)app->config.read_connections, 1024,
                                    app->mailbox);
    sf_api_cache_set_limit((size_t)app->config.api_cache_bytes);
    return 0;
}

/* After a stop signal: wait (on the loop, so completions are still answered) until the
 * decode workers and the writer have nothing left, or the drain deadline passes. */
static void on_drain_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    shutdown_state *s = arg;
    sf_db_writer_stats ws;
    sf_db_writer_get_stats(s->app->writer, &ws);
    int pending = sf_ingest_pipeline_pending(s->app->ingest);
    if ((pending == 0 && ws.queued_records == 0) || sf_monotonic_us() > s->deadline_us) {
        if (pending || ws.queued_records)
            sf_logf(SF_LOG_WARN, "drain deadline reached with %lld records queued",
                    (long long)ws.queued_records);
        event_base_loopexit(s->app->base, NULL);
        return;
    }
    struct timeval tv = {0, 50000};
    evtimer_add(s->tick, &tv);
}

static void on_signal(evutil_socket_t sig, short events, void *arg)
{
    (void)events;
    shutdown_state *s = arg;
    if (s->tick)
        return; /* already draining */
    sf_logf(SF_LOG_INFO, "received %s: no new requests; storing what was accepted",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    sf_http_server_stop_listening(s->srv);
    s->deadline_us = sf_monotonic_us() + s->app->config.shutdown_drain_ms * 1000;
    s->tick = evtimer_new(s->app->base, on_drain_tick, s);
    on_drain_tick(-1, 0, s);
}

static void stop_workers(sf_app *app)
{
    app->closing = true;
    sf_sensor_watch_stop(app);
    sf_auth_lookup_stop(app->auth_lookup); /* before the mailbox: it posts there */
    sf_ingest_pipeline_stop(app->ingest);
    sf_db_writer_stop(app->writer, app->config.shutdown_drain_ms);
    sf_db_pool_stop(app->db_pool);
    sf_db_pool_stop(app->auth_pool);
    sf_model_manager_stop(app->models);
    sf_loop_mailbox_free(app->mailbox); /* answers what the workers finished last */
    sf_live_stream_free(app->stream);
    sf_db_monitor_stop(app->db_monitor);
    sf_token_cache_free(app->tokens);
    sf_user_cache_free(app->users);
    sf_token_memo_free(app->token_memo);
    sf_rate_limit_free(app->rate_limit);
    sf_cors_origins_free(app->cors_origins);
    sf_cidr_list_free(app->metrics_allow);
    sf_cidr_list_free(app->trusted_proxies);
    sodium_memzero(&app->jwt_key, sizeof app->jwt_key);
    sf_sensor_registry_free(app->sensors);
    sf_detectors_destroy(&app->detectors);
    sf_sensor_watch_free(app->sensor_watch);
}

static int serve(sf_app *app)
{
    char err[512];
    evthread_use_pthreads();
    app->base = event_base_new();
    if (start_workers(app)) {
        sf_log_error("cannot start workers");
        return -1;
    }
    shutdown_state stop = {app, NULL, NULL, 0};
    /* libevent refuses bodies above its own cap with a bare 413 before our handlers see
     * them; a quarter of headroom lets a body somewhat over our limit get the JSON 413. */
    int64_t max_body = app->config.batch_body_limit > app->config.body_limit
                           ? app->config.batch_body_limit : app->config.body_limit;
    max_body += max_body / 4;
    sf_http_server_options ho = {app->config.listen, (size_t)max_body,
                                 (int)(app->config.request_timeout_ms / 1000),
                                 (uint32_t)app->config.max_connections,
                                 (uint32_t)app->config.max_connections_per_client,
                                 app->config.tls_cert, app->config.tls_key};
    stop.srv = sf_http_server_start(app->base, app, sf_collector_routes, &ho, err, sizeof err);
    app->http = stop.srv;
    int rc = -1;
    if (stop.srv) {
        struct event *sigint = evsignal_new(app->base, SIGINT, on_signal, &stop);
        struct event *sigterm = evsignal_new(app->base, SIGTERM, on_signal, &stop);
        event_add(sigint, NULL);
        event_add(sigterm, NULL);
        sf_log(SF_LOG_INFO, "collector listening",
               json_pack("{s:s,s:s}", "listen", app->config.listen, "version", SF_VERSION));
        event_base_dispatch(app->base);
        event_free(sigint);
        event_free(sigterm);
        if (stop.tick)
            event_free(stop.tick);
        rc = 0;
    } else {
        sf_logf(SF_LOG_ERROR, "%s", err);
    }
    stop_workers(app);
    app->http = NULL;
    sf_http_server_free(stop.srv);
    event_base_free(app->base);
    return rc;
}

int main(int argc, char **argv)
{
    static sf_app app;
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) {
        fprintf(stderr, "securaflow-collector: libsodium failed to initialise\n");
        return 1;
    }
    int first_arg;
    if (load_config(&app, argc, argv, &first_arg)) {
        sf_config_free(&sf_collector_schema, &app.config);
        return 2;
    }
    /* A command's input files are opened with the caller's rights, before it becomes
     * the data directory's owner (a root-only --password-file, say). */
    char err[1024];
    if (first_arg < argc && sf_cli_accounts_open_inputs(argc - first_arg, argv + first_arg)) {
        sf_config_free(&sf_collector_schema, &app.config);
        return 1;
    }
    if (sf_collector_become_data_owner(app.config.data_dir, err, sizeof err)) {
        fprintf(stderr, "securaflow-collector: %s\n", err);
        sf_config_free(&sf_collector_schema, &app.config);
        return 2;
    }
    app.started_us = sf_monotonic_us();
    sf_pg_embedded *pg = NULL;
    int rc = 1;
    if (open_database(&app, &pg, first_arg < argc) == 0) {
        if (first_arg < argc)
            rc = run_command(&app, argc - first_arg, argv + first_arg);
        else
            rc = serve(&app) ? 1 : 0;
    }
    sf_pg_embedded_stop(pg);
    sf_config_free(&sf_collector_schema, &app.config);
    if (first_arg >= argc)
        sf_log_info("collector stopped");
    return rc;
}
