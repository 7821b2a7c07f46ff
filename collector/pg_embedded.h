/* The embedded PostgreSQL: a private server under a directory of ours, used by the
 * collector when no database_url is configured, and by tests for throwaway servers.
 *
 * Layout of DIR: DIR/data (PGDATA, made by initdb: UTF8, C locale, trust auth),
 * DIR/.s.PGSQL.5432 (the only listener: a Unix socket, mode 0700; no TCP),
 * DIR/postgres.log. As root, the server runs as the "postgres" system user, since
 * PostgreSQL refuses to run as root. A server left behind by a crashed owner is stopped
 * and restarted, one whose owner is alive is left alone (an error, or shared with
 * share_running); a stale postmaster.pid is cleared. The server dies with its owner
 * (PR_SET_PDEATHSIG), so a kill -9 of the collector leaves no process behind. */
#ifndef SF_PG_EMBEDDED_H
#define SF_PG_EMBEDDED_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sf_pg_embedded sf_pg_embedded;

typedef struct sf_pg_embedded_options {
    bool throwaway;        /* tests: fsync off, no initdb sync (data may be lost on crash) */
    int start_timeout_s;   /* default 60 */
    bool share_running;    /* a server already running for DIR (a live collector's) is
                              used as it is and not stopped at the end; otherwise that is
                              an error */
} sf_pg_embedded_options;

/* Initialises DIR if needed and starts the server; returns NULL with a clear reason in
 * err (e.g. which Debian package to install) on failure. opts may be NULL. */
sf_pg_embedded *sf_pg_embedded_start(const char *dir, const sf_pg_embedded_options *opts,
                                     char *err, size_t err_size);

/* libpq connection string for the server's "securaflow" database. */
const char *sf_pg_embedded_conninfo(const sf_pg_embedded *pg);

/* Fast shutdown (SIGINT), waiting for it to finish; frees pg. */
void sf_pg_embedded_stop(sf_pg_embedded *pg);

/* Where the PostgreSQL server binaries are (initdb, postgres), or NULL. */
const char *sf_pg_find_bindir(void);

#endif
