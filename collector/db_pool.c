/* The read pool (see db_pool.h): worker threads with their own connections, a bounded
 * job queue, and completions posted back to the loop through the mailbox. */
#include "collector/db_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

typedef struct pool_job {
    sf_request *request;
    sf_db_query_fn fn;
    sf_db_text_fn text_fn;     /* instead of fn: the body comes as text */
    char *text;
    const char *content_type;  /* of text */
    void *ctx;
    void (*ctx_free)(void *);
    json_t *body;
    int status;
    char err[512];
    struct pool_job *next;
} pool_job;

struct sf_db_pool {
    char *conninfo;
    sf_loop_mailbox *mailbox;
    pthread_mutex_t lock;
    pthread_cond_t nonempty;
    pool_job *head, *tail;
    int queued, queue_max;
    bool stopping;
    int nthreads;
    pthread_t *threads;
};

static void complete_on_loop(void *arg)
{
    pool_job *job = arg;
    if (job->text)
        sf_reply_raw(job->request, job->status, job->content_type, job->text, strlen(job->text));
    else if (job->body)
        sf_reply_json(job->request, job->status, job->body);
    else if (job->status == 503)
        sf_reply_error(job->request, 503, "Database unavailable");
    else
        sf_reply_internal(job->request, job->err);
    if (job->ctx_free)
        job->ctx_free(job->ctx);
    free(job->text);
    free(job);
}

static bool ensure_connected(PGconn **conn, const char *conninfo)
{
    if (*conn && PQstatus(*conn) == CONNECTION_OK)
        return true;
    if (*conn)
        PQreset(*conn);
    else
        *conn = PQconnectdb(conninfo);
    return PQstatus(*conn) == CONNECTION_OK;
}

static void run_job(pool_job *job, PGconn **conn, const char *conninfo)
{
    job->status = 200;
    if (!ensure_connected(conn, conninfo)) {
        job->status = 503;
        return;
    }
    if (job->text_fn)
        job->text = job->text_fn(*conn, job->ctx, &job->status, job->err, sizeof job->err);
    else
        job->body = job->fn(*conn, job->ctx, &job->status, job->err, sizeof job->err);
    if (!job->body && !job->text && PQstatus(*conn) != CONNECTION_OK)
        job->status = 503; /* the connection broke under the query */
}

static void *pool_main(void *arg)
{
    sf_db_pool *pool = arg;
    PGconn *conn = NULL;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (!pool->head && !pool->stopping)
            pthread_cond_wait(&pool->nonempty, &pool->lock);
        pool_job *job = pool->head;
        if (job) {
            pool->head = job->next;
            if (!pool->head)
                pool->tail = NULL;
            pool->queued--;
        }
        pthread_mutex_unlock(&pool->lock);
        if (!job)
            break;
        run_job(job, &conn, pool->conninfo);
        sf_loop_mailbox_post(pool->mailbox, complete_on_loop, job);
    }
    PQfinish(conn);
    return NULL;
}

sf_db_pool *sf_db_pool_start(const char *conninfo, int connections, int queue_max,
                             sf_loop_mailbox *mailbox)
{
    sf_db_pool *pool = calloc(1, sizeof *pool);
    pool->conninfo = strdup(conninfo);
    pool->mailbox = mailbox;
    pool->queue_max = queue_max;
    pool->nthreads = connections;
    pool->threads = calloc((size_t)connections, sizeof *pool->threads);
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->nonempty, NULL);
    for (int i = 0; i < connections; i++) {
        char name[16];
        pthread_create(&pool->threads[i], NULL, pool_main, pool);
        snprintf(name, sizeof name, "sf-reads-%d", i);
        pthread_setname_np(pool->threads[i], name); /* what top -H and perf show */
    }
    return pool;
}

static void submit_job(sf_db_pool *pool, sf_request *r, sf_db_query_fn fn,
                       sf_db_text_fn text_fn, void *ctx, void (*ctx_free)(void *),
                       const char *content_type)
{
    pool_job *job = calloc(1, sizeof *job);
    pthread_mutex_lock(&pool->lock);
    bool full = !job || pool->queued >= pool->queue_max || pool->stopping;
    if (!full) {
        job->request = r;
        job->fn = fn;
        job->text_fn = text_fn;
        job->content_type = content_type;
        job->ctx = ctx;
        job->ctx_free = ctx_free;
        if (pool->tail)
            pool->tail->next = job;
        else
            pool->head = job;
        pool->tail = job;
        pool->queued++;
        pthread_cond_signal(&pool->nonempty);
    }
    pthread_mutex_unlock(&pool->lock);
    if (full) {
        free(job);
        if (ctx_free)
            ctx_free(ctx);
        sf_reply_add_header(r, "Retry-After", "1");
        sf_reply_error(r, 503, "Server busy");
    }
}

void sf_db_pool_submit(sf_db_pool *pool, sf_request *r, sf_db_query_fn fn, void *ctx,
                       void (*ctx_free)(void *))
{
    submit_job(pool, r, fn, NULL, ctx, ctx_free, NULL);
}

void sf_db_pool_submit_text(sf_db_pool *pool, sf_request *r, sf_db_text_fn fn, void *ctx,
                            void (*ctx_free)(void *), const char *content_type)
{
    submit_job(pool, r, NULL, fn, ctx, ctx_free, content_type);
}

void sf_db_pool_stop(sf_db_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->nonempty);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->nonempty);
    free(pool->threads);
    free(pool->conninfo);
    free(pool);
}

PGresult *sf_db_query(PGconn *conn, const char *sql, int nparams, const char *const *params,
                      char *err, size_t err_size)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return res;
    snprintf(err, err_size, "%s", PQerrorMessage(conn));
    PQclear(res);
    return NULL;
}

const char *sf_db_value(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}
