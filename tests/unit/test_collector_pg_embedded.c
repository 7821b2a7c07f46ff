/* Tests for the embedded PostgreSQL: start, connect, restart on the same directory
 * after a stale pid file, and a clear error when the server binaries are missing. */
#include <CUnit/CUnit.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/pg_embedded.h"
#include "pg_throwaway.h"
#include "test_support.h"

static int query_one(const char *conninfo, const char *sql, char *out, size_t size)
{
    PGconn *c = PQconnectdb(conninfo);
    int rc = -1;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
            snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
            rc = 0;
        }
        PQclear(r);
    }
    PQfinish(c);
    return rc;
}

static void test_start_query_restart(void)
{
    sf_pg_throwaway *t = sf_pg_throwaway_start();
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    char out[256];
    CU_ASSERT_EQUAL(query_one(sf_pg_throwaway_conninfo(t),
                              "SELECT current_database() || ',' || "
                              "current_setting('server_encoding') || ',' || "
                              "current_setting('listen_addresses') || ','", out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "securaflow,UTF8,,");
    sf_pg_throwaway_stop(t);
}

static void test_stale_pid_file(void)
{
    char *dir = sf_test_mkdtemp("pgstale");
    char pgdir[600], pidfile[700], err[1024], out[64];
    chmod(dir, 0755);
    snprintf(pgdir, sizeof pgdir, "%s/pg", dir);
    sf_pg_embedded_options opts = {.throwaway = true};
    sf_pg_embedded *pg = sf_pg_embedded_start(pgdir, &opts, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
    sf_pg_embedded_stop(pg);
    /* A crash leaves postmaster.pid naming a process that is gone. */
    snprintf(pidfile, sizeof pidfile, "%s/data/postmaster.pid", pgdir);
    CU_ASSERT_EQUAL(sf_test_write_file(pidfile, "999999\n/x\n1\n5432\n"), 0);
    pg = sf_pg_embedded_start(pgdir, &opts, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
    CU_ASSERT_EQUAL(query_one(sf_pg_embedded_conninfo(pg), "SELECT 1", out, sizeof out), 0);
    sf_pg_embedded_stop(pg);
    sf_test_rmtree(dir);
    free(dir);
}

static void test_missing_binaries_named(void)
{
    char err[1024] = "";
    setenv("SECURAFLOW_PG_BINDIR", "/nonexistent/bin", 1);
    sf_pg_embedded *pg = sf_pg_embedded_start("/tmp/never-used", NULL, err, sizeof err);
    unsetenv("SECURAFLOW_PG_BINDIR");
    CU_ASSERT_PTR_NULL(pg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "install the Debian package 'postgresql'"));
}

void sf_test_register_collector_pg_embedded(void)
{
    CU_pSuite s = CU_add_suite("collector_pg_embedded", NULL, NULL);
    CU_add_test(s, "start, query, stop", test_start_query_restart);
    CU_add_test(s, "stale postmaster.pid", test_stale_pid_file);
    CU_add_test(s, "missing server binaries named", test_missing_binaries_named);
}
