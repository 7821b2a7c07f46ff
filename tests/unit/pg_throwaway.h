/* Throwaway PostgreSQL servers for tests: the collector's embedded server in a fresh
 * temporary directory, with fsync off; removed again on stop. */
#ifndef SF_PG_THROWAWAY_H
#define SF_PG_THROWAWAY_H

typedef struct sf_pg_throwaway sf_pg_throwaway;

/* NULL (and a message on stderr) if the server cannot start. */
sf_pg_throwaway *sf_pg_throwaway_start(void);
const char *sf_pg_throwaway_conninfo(const sf_pg_throwaway *t);
const char *sf_pg_throwaway_dir(const sf_pg_throwaway *t);
void sf_pg_throwaway_stop(sf_pg_throwaway *t);

#endif
