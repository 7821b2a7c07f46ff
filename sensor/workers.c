/* Worker threads. The capture thread copies packets into per-worker batches (one lock
 * per batch of packets, not per packet) and hands full batches over through a bounded
 * queue. Live capture never waits on a slow worker: a full queue drops the batch and
 * counts it; reading files waits instead, so no packet is lost. */
#include "sensor/workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_BYTES (256u * 1024u)
#define QUEUE_BATCHES 32

typedef struct pkt_hdr {
    int64_t ts_us;
    uint32_t caplen, wirelen;
    int32_t dlt;
} pkt_hdr;

typedef struct batch {
    size_t used;
    uint32_t count;
    uint8_t data[BATCH_BYTES];
} batch;

typedef struct worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    batch *queue[QUEUE_BATCHES];
    unsigned head, count;
    int stop;
    int64_t tick_us;
    batch *filling;          /* owned by the capture thread */
    batch *spare[QUEUE_BATCHES + 2];   /* processed batches kept for reuse: no mmap churn */
    unsigned nspare;
    sf_engine engine;
    uint64_t dropped_packets;
} worker;

struct sf_workers {
    unsigned n;
    int lossy;
    worker *w;
};

unsigned sf_workers_pick(unsigned n, int dlt, const uint8_t *data, size_t caplen)
{
    if (n <= 1)
        return 0;
    sf_packet pkt;
    memset(&pkt, 0, sizeof pkt);
    pkt.dlt = dlt;
    if (sf_decode_link(&pkt, data, caplen) != SF_DECODE_OK)
        return 0;
    sf_sensor_stats scratch;
    sf_decode_result r = sf_decode_ip(&pkt, NULL, &scratch);
    if (r == SF_DECODE_OK)
        return sf_flow_hash(pkt.family, pkt.src, pkt.sport, pkt.dst, pkt.dport) % n;
    if (r == SF_DECODE_FRAGMENT || r == SF_DECODE_TRUNCATED)
        return sf_flow_hash(pkt.family, pkt.src, 0, pkt.dst, 0) % n;
    return 0;
}

static void run_batch(worker *w, batch *b)
{
    size_t off = 0;
    for (uint32_t i = 0; i < b->count; i++) {
        pkt_hdr h;
        memcpy(&h, b->data + off, sizeof h);
        off += sizeof h;
        sf_engine_packet(&w->engine, h.dlt, h.ts_us, b->data + off, h.caplen, h.wirelen);
        off += (h.caplen + 7u) & ~7u;
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->count && !w->stop && !w->tick_us)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->count) {
            batch *b = w->queue[w->head];
            w->head = (w->head + 1) % QUEUE_BATCHES;
            w->count--;
            pthread_cond_broadcast(&w->cond);
            pthread_mutex_unlock(&w->lock);
            run_batch(w, b);
            pthread_mutex_lock(&w->lock);
            if (w->nspare < QUEUE_BATCHES + 2)
                w->spare[w->nspare++] = b;
            else
                free(b);
            continue;
        }
        if (w->tick_us) {
            int64_t now = w->tick_us;
            w->tick_us = 0;
            pthread_mutex_unlock(&w->lock);
            sf_engine_tick(&w->engine, now);
            pthread_mutex_lock(&w->lock);
            continue;
        }
        break;                   /* stop requested and queue empty */
    }
    pthread_mutex_unlock(&w->lock);
    sf_engine_flush(&w->engine);
    return NULL;
}

sf_workers *sf_workers_start(unsigned n, const sf_engine_limits *lim, const sf_record_options *opt,
                             sf_record_fn emit, void *emit_ctx,
                             void (*setup)(sf_engine *, void *), void *setup_arg, int lossy)
{
    sf_workers *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->n = n ? n : 1;
    ws->lossy = lossy;
    ws->w = calloc(ws->n, sizeof *ws->w);
    if (!ws->w) {
        free(ws);
        return NULL;
    }
    sf_engine_limits per = *lim;
    per.memory_max = lim->memory_max / ws->n;     /* the budget is for the whole sensor */
    per.max_flows = lim->max_flows / ws->n ? lim->max_flows / ws->n : 1;
    for (unsigned i = 0; i < ws->n; i++) {
        worker *w = &ws->w[i];
        sf_engine_init(&w->engine, &per, opt, emit, emit_ctx);
        if (setup)
            setup(&w->engine, setup_arg);
        pthread_mutex_init(&w->lock, NULL);
        pthread_cond_init(&w->cond, NULL);
        if (ws->n > 1)
            pthread_create(&w->thread, NULL, worker_main, w);
    }
    return ws;
}

static void hand_over(sf_workers *ws, worker *w)
{
    batch *b = w->filling;
    w->filling = NULL;
    if (!b)
        return;
    pthread_mutex_lock(&w->lock);
    while (w->count == QUEUE_BATCHES && !ws->lossy)
        pthread_cond_wait(&w->cond, &w->lock);
    if (w->count == QUEUE_BATCHES) {
        w->dropped_packets += b->count;
        pthread_mutex_unlock(&w->lock);
        free(b);
        return;
    }
    w->queue[(w->head + w->count) % QUEUE_BATCHES] = b;
    w->count++;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void sf_workers_packet(sf_workers *ws, int dlt, int64_t ts_us, const uint8_t *data, size_t caplen,
                       size_t wirelen)
{
    if (ws->n == 1) {
        sf_engine_packet(&ws->w[0].engine, dlt, ts_us, data, caplen, wirelen);
        return;
    }
    if (caplen > BATCH_BYTES - sizeof(pkt_hdr) - 8)
        caplen = BATCH_BYTES - sizeof(pkt_hdr) - 8;
    worker *w = &ws->w[sf_workers_pick(ws->n, dlt, data, caplen)];
    size_t need = sizeof(pkt_hdr) + ((caplen + 7u) & ~7u);
    if (w->filling && w->filling->used + need > BATCH_BYTES)
        hand_over(ws, w);
    if (!w->filling) {
        pthread_mutex_lock(&w->lock);
        w->filling = w->nspare ? w->spare[--w->nspare] : NULL;
        pthread_mutex_unlock(&w->lock);
        if (!w->filling)
            w->filling = malloc(sizeof(batch));
        if (!w->filling) {
            w->dropped_packets++;
            return;
        }
        w->filling->used = 0;
        w->filling->count = 0;
    }
    batch *b = w->filling;
    pkt_hdr h = {ts_us, (uint32_t)caplen, (uint32_t)wirelen, dlt};
    memcpy(b->data + b->used, &h, sizeof h);
    memcpy(b->data + b->used + sizeof h, data, caplen);
    b->used += need;
    b->count++;
}

void sf_workers_tick(sf_workers *ws, int64_t now_us)
{
    if (ws->n == 1) {
        sf_engine_tick(&ws->w[0].engine, now_us);
        return;
    }
    for (unsigned i = 0; i < ws->n; i++) {
        worker *w = &ws->w[i];
        hand_over(ws, w);        /* do not sit on a half-full batch while idle */
        pthread_mutex_lock(&w->lock);
        w->tick_us = now_us;
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&w->lock);
    }
}

void sf_workers_set_sampling(sf_workers *ws, uint32_t permille)
{
    for (unsigned i = 0; i < ws->n; i++)
        __atomic_store_n(&ws->w[i].engine.lim.sample_permille, permille, __ATOMIC_RELAXED);
}

void sf_workers_stats(sf_workers *ws, sf_sensor_stats *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned i = 0; i < ws->n; i++) {
        sf_stats_add(out, &ws->w[i].engine.stats);
        out->kernel_drops += ws->w[i].dropped_packets;
    }
}

void sf_workers_stop(sf_workers *ws)
{
    if (!ws)
        return;
    for (unsigned i = 0; i < ws->n; i++) {
        worker *w = &ws->w[i];
        if (ws->n > 1) {
            hand_over(ws, w);
            pthread_mutex_lock(&w->lock);
            w->stop = 1;
            pthread_cond_signal(&w->cond);
            pthread_mutex_unlock(&w->lock);
        }
    }
    for (unsigned i = 0; i < ws->n; i++) {
        worker *w = &ws->w[i];
        if (ws->n > 1)
            pthread_join(w->thread, NULL);
        else
            sf_engine_flush(&w->engine);
    }
}

void sf_workers_free(sf_workers *ws)
{
    if (!ws)
        return;
    for (unsigned i = 0; i < ws->n; i++) {
        worker *w = &ws->w[i];
        free(w->filling);
        while (w->nspare)
            free(w->spare[--w->nspare]);
        sf_engine_destroy(&w->engine);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
    }
    free(ws->w);
    free(ws);
}
