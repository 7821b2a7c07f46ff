/* The lookup worker (see auth_lookup.h). */
#include "collector/auth_lookup.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct lookup_job {
    sf_lookup_work work;
    sf_lookup_done done;
    void *arg;
    int result;
    struct lookup_job *next;
} lookup_job;

struct sf_auth_lookup {
    char *conninfo;
    sf_loop_mailbox *mailbox;
    pthread_mutex_t lock;
    pthread_cond_t nonempty;
    lookup_job *head, *tail;
    int queued, queue_max;
    bool stopping;
    pthread_t thread;
};

static void finish_on_loop(void *arg)
{
    lookup_job *job = arg;
    job->done(job->arg, job->result);
    free(job);
}

static PGconn *connected(PGconn *conn, const char *conninfo)
{
    if (conn && PQstatus(conn) == CONNECTION_OK)
        return conn;
    if (conn)
        PQreset(conn);
    else
        conn = PQconnectdb(conninfo);
    return conn;
}

static void *lookup_main(void *arg)
{
    sf_auth_lookup *l = arg;
    PGconn *conn = NULL;
    for (;;) {
        pthread_mutex_lock(&l->lock);
        while (!l->head && !l->stopping)
            pthread_cond_wait(&l->nonempty, &l->lock);
        lookup_job *job = l->head;
        if (job) {
            l->head = job->next;
            if (!l->head)
                l->tail = NULL;
            l->queued--;
        }
        pthread_mutex_unlock(&l->lock);
        if (!job)
            break;
        conn = connected(conn, l->conninfo);
        job->result = job->work(PQstatus(conn) == CONNECTION_OK ? conn : NULL, job->arg);
        sf_loop_mailbox_post(l->mailbox, finish_on_loop, job);
    }
    PQfinish(conn);
    return NULL;
}

sf_auth_lookup *sf_auth_lookup_start(const char *conninfo, int queue_max, sf_loop_mailbox *mb)
{
    sf_auth_lookup *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->conninfo = strdup(conninfo);
    l->mailbox = mb;
    l->queue_max = queue_max;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->nonempty, NULL);
    pthread_create(&l->thread, NULL, lookup_main, l);
    pthread_setname_np(l->thread, "sf-auth-lookup");
    return l;
}

bool sf_auth_lookup_submit(sf_auth_lookup *l, sf_lookup_work work, sf_lookup_done done, void *arg)
{
    lookup_job *job = calloc(1, sizeof *job);
    if (!job)
        return false;
    job->work = work;
    job->done = done;
    job->arg = arg;
    pthread_mutex_lock(&l->lock);
    bool ok = !l->stopping && l->queued < l->queue_max;
    if (ok) {
        if (l->tail)
            l->tail->next = job;
        else
            l->head = job;
        l->tail = job;
        l->queued++;
        pthread_cond_signal(&l->nonempty);
    }
    pthread_mutex_unlock(&l->lock);
    if (!ok)
        free(job);
    return ok;
}

void sf_auth_lookup_stop(sf_auth_lookup *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    l->stopping = true;
    pthread_cond_broadcast(&l->nonempty);
    pthread_mutex_unlock(&l->lock);
    pthread_join(l->thread, NULL);
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->nonempty);
    free(l->conninfo);
    free(l);
}
