/* The lookup worker: one thread with its own PostgreSQL connection that answers the access
 * gate's questions the in-memory tables cannot (an ingest token or an account not seen
 * yet), so the event loop never waits on a query. Its queue is bounded: when it is full
 * the caller is told at once and answers 503, so a flood of unknown tokens cannot pile up
 * work or memory. */
#ifndef SF_AUTH_LOOKUP_H
#define SF_AUTH_LOOKUP_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "collector/loop_mailbox.h"

typedef struct sf_auth_lookup sf_auth_lookup;

/* work runs on the worker thread (conn is NULL when the database is unreachable) and
 * returns a result; done(arg, result) then runs on the loop thread. */
typedef int (*sf_lookup_work)(PGconn *conn, void *arg);
typedef void (*sf_lookup_done)(void *arg, int result);

sf_auth_lookup *sf_auth_lookup_start(const char *conninfo, int queue_max, sf_loop_mailbox *mb);
/* False (and nothing queued) when the queue is full or stopping. */
bool sf_auth_lookup_submit(sf_auth_lookup *l, sf_lookup_work work, sf_lookup_done done, void *arg);
/* Finishes queued lookups (their done callbacks are posted), closes, joins. */
void sf_auth_lookup_stop(sf_auth_lookup *l);

#endif
