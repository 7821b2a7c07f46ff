/* The ingest pipeline's decode workers (see ingest_pipeline.h). */
#include "collector/ingest_pipeline.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "collector/ingest_decode.h"
#include "collector/traffic_rows.h"
#include "common/log.h"

struct sf_ingest_pipeline {
    sf_ingest_pipeline_config cfg;
    sf_detectors *detectors;
    sf_db_writer *writer;
    sf_loop_mailbox *mailbox;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    sf_ingest_job *head, *tail;
    int queued, in_progress;
    bool stopping;
    pthread_t *threads;
};

static void run_done(void *arg)
{
    sf_ingest_job *job = arg;
    job->done(job);
}

static void process(sf_ingest_pipeline *p, sf_ingest_job *job)
{
    sf_log_set_correlation_id(job->correlation_id[0] ? job->correlation_id : NULL);
    if (job->body) /* prepared jobs (demo data) come with their items already */
        sf_ingest_decode(job, p->cfg.max_inflated, p->cfg.max_age_us);
    if (job->status == 200 && job->count > 0) {
        sf_detect_job(p->detectors, job);
        for (size_t i = 0; i < job->count; i++)
            job->anomalies += job->items[i].is_anomaly;
        sf_traffic_rows_build(job); /* here, in parallel, not in the one writer thread */
    }
    if (job->status != 200) {
        sf_loop_mailbox_post(p->mailbox, run_done, job);
    } else if (sf_db_writer_submit(p->writer, job) != 0) {
        job->status = 503;
        job->error_body = json_pack("{s:s}", "detail", "Ingest queue full, retry later");
        sf_loop_mailbox_post(p->mailbox, run_done, job);
    }
    sf_log_set_correlation_id(NULL);
}

static void *worker_main(void *arg)
{
    sf_ingest_pipeline *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->wake, &p->lock);
        sf_ingest_job *job = p->head;
        if (!job)
            break;
        p->head = job->next;
        if (!p->head)
            p->tail = NULL;
        job->next = NULL;
        p->queued--;
        p->in_progress++;
        pthread_mutex_unlock(&p->lock);
        process(p, job);
        pthread_mutex_lock(&p->lock);
        p->in_progress--;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

sf_ingest_pipeline *sf_ingest_pipeline_start(const sf_ingest_pipeline_config *cfg,
                                             sf_detectors *detectors, sf_db_writer *writer,
                                             sf_loop_mailbox *mailbox)
{
    sf_ingest_pipeline *p = calloc(1, sizeof *p);
    p->cfg = *cfg;
    if (p->cfg.workers < 1)
        p->cfg.workers = 1;
    p->detectors = detectors;
    p->writer = writer;
    p->mailbox = mailbox;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->threads = calloc((size_t)p->cfg.workers, sizeof *p->threads);
    for (int i = 0; i < p->cfg.workers; i++) {
        char name[16];
        pthread_create(&p->threads[i], NULL, worker_main, p);
        snprintf(name, sizeof name, "sf-ingest-%d", i);
        pthread_setname_np(p->threads[i], name); /* what top -H and perf show */
    }
    return p;
}

int sf_ingest_submit(sf_ingest_pipeline *p, sf_ingest_job *job)
{
    pthread_mutex_lock(&p->lock);
    bool full = p->stopping || p->queued >= p->cfg.decode_queue_max;
    if (!full) {
        if (p->tail)
            p->tail->next = job;
        else
            p->head = job;
        p->tail = job;
        p->queued++;
        pthread_cond_signal(&p->wake);
    }
    pthread_mutex_unlock(&p->lock);
    return full ? -1 : 0;
}

int sf_ingest_pipeline_pending(sf_ingest_pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->queued + p->in_progress;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void sf_ingest_pipeline_stop(sf_ingest_pipeline *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->cfg.workers; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    free(p->threads);
    free(p);
}
