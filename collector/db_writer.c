/* The writer thread (see db_writer.h). */
#include "collector/db_writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/traffic_store.h"
#include "common/log.h"
#include "common/time_util.h"

#define RETENTION_INTERVAL_US (3600LL * 1000000)

struct sf_db_writer {
    sf_db_writer_config cfg;
    char *conninfo;
    sf_loop_mailbox *mailbox;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    sf_ingest_job *head, *tail;
    sf_db_writer_stats stats;
    bool stopping;
    int64_t stop_deadline_us;
    pthread_t thread;
    sf_traffic_store store;
};

static void run_done(void *arg)
{
    sf_ingest_job *job = arg;
    job->done(job);
}

static void finish_group(sf_db_writer *w, sf_ingest_job **group, size_t n, int status)
{
    for (size_t i = 0; i < n; i++) {
        if (status != 200) {
            group[i]->status = status;
            group[i]->error_body = json_pack("{s:s}", "detail", status == 503 ?
                                             "Database unavailable" : "Internal error");
        }
        sf_loop_mailbox_post(w->mailbox, run_done, group[i]);
    }
}

/* Takes jobs up to group_max_records (at least one); waits while the queue is empty. */
static size_t take_group(sf_db_writer *w, sf_ingest_job ***group, size_t *cap)
{
    pthread_mutex_lock(&w->lock);
    while (!w->head && !w->stopping)
        pthread_cond_wait(&w->wake, &w->lock);
    size_t n = 0;
    int64_t records = 0;
    while (w->head && (n == 0 || records + (int64_t)w->head->count <= w->cfg.group_max_records)) {
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *group = realloc(*group, *cap * sizeof **group);
        }
        sf_ingest_job *job = w->head;
        w->head = job->next;
        if (!w->head)
            w->tail = NULL;
        job->next = NULL;
        records += (int64_t)job->count;
        (*group)[n++] = job;
    }
    pthread_mutex_unlock(&w->lock);
    return n;
}

/* Server notices ("partition already exists, skipping") are expected, not news. */
static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    sf_logf(SF_LOG_DEBUG, "postgres: %s", message);
}

static bool connect_store(sf_db_writer *w)
{
    if (w->store.conn && PQstatus(w->store.conn) == CONNECTION_OK)
        return true;
    PQfinish(w->store.conn);
    w->store.conn = PQconnectdb(w->conninfo);
    PQsetNoticeProcessor(w->store.conn, quiet_notice, NULL);
    sf_traffic_store_reset(&w->store);
    return PQstatus(w->store.conn) == CONNECTION_OK;
}

static void set_health(sf_db_writer *w, bool ok, size_t records, size_t dups)
{
    pthread_mutex_lock(&w->lock);
    if (ok != w->stats.healthy)
        sf_logf(ok ? SF_LOG_INFO : SF_LOG_WARN, "writer: database %s", ok ? "writable again" :
                "unavailable; holding records");
    w->stats.healthy = ok;
    if (ok) {
        w->stats.records_written += records;
        w->stats.groups_written++;
        w->stats.duplicates += dups;
        w->stats.queued_records -= (int64_t)records;
    } else {
        w->stats.db_errors++;
    }
    pthread_mutex_unlock(&w->lock);
}

static bool past_deadline(sf_db_writer *w)
{
    pthread_mutex_lock(&w->lock);
    bool past = w->stopping && sf_monotonic_us() > w->stop_deadline_us;
    pthread_mutex_unlock(&w->lock);
    return past;
}

/* Stores one group, retrying through database outages; answers every job. */
static void store_group(sf_db_writer *w, sf_ingest_job **group, size_t n)
{
    size_t records = 0;
    for (size_t i = 0; i < n; i++)
        records += group[i]->count;
    int backoff_ms = 100;
    char err[1024];
    for (;;) {
        if (connect_store(w) && sf_traffic_store_write(&w->store, group, n, err, sizeof err) == 0) {
            size_t dups = 0;
            for (size_t i = 0; i < n; i++)
                dups += group[i]->duplicate;
            set_health(w, true, records, dups);
            finish_group(w, group, n, 200);
            return;
        }
        bool connection_lost = PQstatus(w->store.conn) != CONNECTION_OK;
        if (!connection_lost && n > 1) {
            /* One request's data was refused: store the others' on their own, so only
             * the culprit is answered with an error. */
            sf_logf(SF_LOG_WARN, "writer: a group of %zu requests was refused (%s); storing "
                    "them one by one", n, err);
            for (size_t i = 0; i < n; i++)
                store_group(w, &group[i], 1);
            return;
        }
        if (!connection_lost) {
            /* The database answered and refused: retrying the same data will not help. */
            sf_log(SF_LOG_ERROR, "writer: group refused",
                   json_pack("{s:s,s:i}", "cause", err, "records", (int)records));
            set_health(w, true, 0, 0);
            pthread_mutex_lock(&w->lock);
            w->stats.queued_records -= (int64_t)records;
            pthread_mutex_unlock(&w->lock);
            finish_group(w, group, n, 500);
            return;
        }
        set_health(w, false, 0, 0);
        if (past_deadline(w)) {
            sf_logf(SF_LOG_ERROR, "writer: stopping without a database; %zu records not stored "
                    "(their senders were not acknowledged and will resend)", records);
            pthread_mutex_lock(&w->lock);
            w->stats.queued_records -= (int64_t)records;
            pthread_mutex_unlock(&w->lock);
            finish_group(w, group, n, 503);
            return;
        }
        struct timespec ts = {backoff_ms / 1000, (long)(backoff_ms % 1000) * 1000000};
        nanosleep(&ts, NULL);
        backoff_ms = backoff_ms < 5000 ? backoff_ms * 2 : 5000;
    }
}

static void maybe_retention(sf_db_writer *w, int64_t *last_us)
{
    int64_t now = sf_monotonic_us();
    if (*last_us && now - *last_us < RETENTION_INTERVAL_US)
        return;
    *last_us = now;
    char err[512];
    if (!connect_store(w))
        return;
    int dropped = sf_traffic_store_retention(&w->store, w->cfg.retention_days,
                                             w->cfg.aggregate_retention_days, err, sizeof err);
    if (dropped < 0)
        sf_logf(SF_LOG_WARN, "retention: %s", err);
    else if (dropped > 0)
        sf_logf(SF_LOG_INFO, "retention: dropped %d traffic partitions older than %d days",
                dropped, w->cfg.retention_days);
}

static void *writer_main(void *arg)
{
    sf_db_writer *w = arg;
    sf_ingest_job **group = NULL;
    size_t cap = 0;
    int64_t last_retention = 0;
    for (;;) {
        size_t n = take_group(w, &group, &cap);
        if (n == 0)
            break; /* stopping and drained */
        store_group(w, group, n);
        maybe_retention(w, &last_retention);
    }
    free(group);
    PQfinish(w->store.conn);
    sf_copy_free(&w->store.copy);
    return NULL;
}

sf_db_writer *sf_db_writer_start(const sf_db_writer_config *cfg, sf_loop_mailbox *mailbox)
{
    sf_db_writer *w = calloc(1, sizeof *w);
    w->cfg = *cfg;
    w->conninfo = strdup(cfg->conninfo);
    w->mailbox = mailbox;
    w->stats.healthy = true;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_create(&w->thread, NULL, writer_main, w);
    pthread_setname_np(w->thread, "sf-writer"); /* what top -H and perf show */
    return w;
}

int sf_db_writer_submit(sf_db_writer *w, sf_ingest_job *job)
{
    pthread_mutex_lock(&w->lock);
    bool full = w->stopping || w->stats.queued_records + (int64_t)job->count > w->cfg.queue_max_records;
    if (!full) {
        if (w->tail)
            w->tail->next = job;
        else
            w->head = job;
        w->tail = job;
        w->stats.queued_records += (int64_t)job->count;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&w->lock);
    return full ? -1 : 0;
}

void sf_db_writer_get_stats(sf_db_writer *w, sf_db_writer_stats *out)
{
    pthread_mutex_lock(&w->lock);
    *out = w->stats;
    pthread_mutex_unlock(&w->lock);
}

void sf_db_writer_stop(sf_db_writer *w, int64_t deadline_ms)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    w->stop_deadline_us = sf_monotonic_us() + deadline_ms * 1000;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w->conninfo);
    free(w);
}
