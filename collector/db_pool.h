/* The read pool: a few threads, each with its own PostgreSQL connection, that run API
 * queries off the event loop and hand the JSON answer back to it. A query function
 * runs on a pool thread and must not touch the request; it returns the body to send
 * (status in *status, 200 if left alone), or NULL for an internal error (cause in err).
 * When the database is unreachable the request gets 503. */
#ifndef SF_DB_POOL_H
#define SF_DB_POOL_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

#include "collector/http_server.h"
#include "collector/loop_mailbox.h"

typedef json_t *(*sf_db_query_fn)(PGconn *conn, void *ctx, int *status, char *err,
                                  size_t err_size);

typedef struct sf_db_pool sf_db_pool;

sf_db_pool *sf_db_pool_start(const char *conninfo, int connections, int queue_max,
                             sf_loop_mailbox *mailbox);
/* Queues fn(ctx) and answers r when it is done; ctx is freed with ctx_free (may be
 * NULL) afterwards. A full queue answers 503 at once. */
void sf_db_pool_submit(sf_db_pool *pool, sf_request *r, sf_db_query_fn fn, void *ctx,
                       void (*ctx_free)(void *));
/* Like sf_db_pool_submit, but fn returns the body as ready text (malloc'd, freed here) of
 * content_type (a static string), so a large answer is serialised on the pool thread, not
 * on the loop. A non-200 status still answers the text. */
typedef char *(*sf_db_text_fn)(PGconn *conn, void *ctx, int *status, char *err,
                               size_t err_size);
void sf_db_pool_submit_text(sf_db_pool *pool, sf_request *r, sf_db_text_fn fn, void *ctx,
                            void (*ctx_free)(void *), const char *content_type);
/* Finishes queued work, closes connections, joins threads. */
void sf_db_pool_stop(sf_db_pool *pool);

/* Helpers for query functions. */
/* Runs a parameterised query; returns the result or NULL with err filled. */
PGresult *sf_db_query(PGconn *conn, const char *sql, int nparams, const char *const *params,
                      char *err, size_t err_size);
/* Value of row/col, or NULL for SQL NULL. */
const char *sf_db_value(const PGresult *res, int row, int col);

#endif
