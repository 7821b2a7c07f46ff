/* Throwaway PostgreSQL servers for tests (see pg_throwaway.h). */
#include "pg_throwaway.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/pg_embedded.h"
#include "test_support.h"

struct sf_pg_throwaway {
    char *dir;
    sf_pg_embedded *pg;
};

sf_pg_throwaway *sf_pg_throwaway_start(void)
{
    sf_pg_throwaway *t = calloc(1, sizeof *t);
    char err[1024];
    t->dir = sf_test_mkdtemp("pg");
    /* As root the server runs as "postgres", which must reach the directory. */
    if (t->dir)
        chmod(t->dir, 0755);
    sf_pg_embedded_options opts = {.throwaway = true, .start_timeout_s = 60};
    char pgdir[600];
    snprintf(pgdir, sizeof pgdir, "%s/pg", t->dir ? t->dir : "/nonexistent");
    t->pg = t->dir ? sf_pg_embedded_start(pgdir, &opts, err, sizeof err) : NULL;
    if (!t->pg) {
        fprintf(stderr, "throwaway PostgreSQL: %s\n", t->dir ? err : "no temp dir");
        sf_pg_throwaway_stop(t);
        return NULL;
    }
    return t;
}

const char *sf_pg_throwaway_conninfo(const sf_pg_throwaway *t) { return sf_pg_embedded_conninfo(t->pg); }
const char *sf_pg_throwaway_dir(const sf_pg_throwaway *t) { return t->dir; }

void sf_pg_throwaway_stop(sf_pg_throwaway *t)
{
    if (!t)
        return;
    sf_pg_embedded_stop(t->pg);
    sf_test_rmtree(t->dir);
    free(t->dir);
    free(t);
}
