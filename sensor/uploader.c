/* The uploader thread (see uploader.h). Records wait in a bounded ring; a batch is cut
 * when batch_max_records are pending or the oldest has waited batch_max_age_ms. A batch
 * is encoded once (gzip'd JSON with its batch_id) and then either sent at once (when the
 * collector is healthy and nothing older waits in the spool) or appended to the spool;
 * the spool is replayed oldest first, one batch per turn, paced by the backoff. Only
 * this thread talks to the network; submitters at worst write to the spool. */
#include "sensor/uploader.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/time_util.h"
#include "sensor/batch_encode.h"
#include "sensor/http_client.h"
#include "sensor/spool.h"
#include "sensor/upload_backoff.h"

#define SEND_TIMEOUT_MS 10000
#define RESPONSE_BODY_CAP 65536
#define SENSOR_ID_MAX 128

typedef enum { SEND_ACK, SEND_PERMANENT, SEND_RETRY } send_result;

struct sf_uploader {
    sf_uploader_config cfg;       /* strings below are private copies */
    char *sensor_id, *token, *interface;
    sf_url url;
    char batch_headers[1024], json_headers[1024];
    char hostname[256];
    int64_t boot_us;
    sf_spool *spool;
    pthread_t thread;

    pthread_mutex_t mu;           /* guards everything down to the counters */
    pthread_cond_t cv;
    sf_record *ring;
    size_t head, count, cap;
    int64_t first_pending_us;     /* when the oldest pending record arrived */
    uint64_t next_seq;
    int stopping;
    int64_t stop_deadline_us;
    json_t *stats;
    sf_uploader_counters c;
    uint64_t records_rejected, heartbeats_sent, heartbeat_failures, records_lost_at_exit;

    /* uploader thread only */
    sf_backoff backoff;
    int64_t retry_at_us, next_heartbeat_us;
    int collector_down;           /* 0 up, 1 unreachable, 2 answering with errors */
    int spool_on_disk;
};

static int64_t now_us(void) { return sf_monotonic_us(); }

static int has_ctl(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* Fills defaults and refuses what cannot work. */
static int check_config(sf_uploader *up, char *err, size_t es)
{
    sf_uploader_config *c = &up->cfg;
    if (sf_url_parse(c->collector_url, &up->url, err, es) != 0)
        return -1;
    if (c->batch_max_records <= 0)
        c->batch_max_records = 1000;
    if (c->batch_max_records > SF_BATCH_MAX_RECORDS)
        return snprintf(err, es, "batch size %d over the collector's limit of %d",
                        c->batch_max_records, SF_BATCH_MAX_RECORDS), -1;
    if (c->batch_max_age_ms <= 0)
        c->batch_max_age_ms = 1000;
    if (c->heartbeat_interval_ms <= 0)
        c->heartbeat_interval_ms = 10000;
    if (c->queue_max_records < c->batch_max_records)
        c->queue_max_records = c->queue_max_records > 0 ? c->batch_max_records : 100000;
    if (c->spool_max_bytes <= 0)
        c->spool_max_bytes = (int64_t)256 << 20;
    if (has_ctl(up->token) || has_ctl(up->sensor_id) || has_ctl(up->interface))
        return snprintf(err, es, "token, sensor id and interface must not contain control "
                        "characters"), -1;
    if (strlen(up->sensor_id) == 0 || strlen(up->sensor_id) > SENSOR_ID_MAX)
        return snprintf(err, es, "sensor id must be 1..%d characters", SENSOR_ID_MAX), -1;
    json_t *id = json_string(up->sensor_id), *ifc = json_string(up->interface);
    int utf8 = id && ifc; /* Jansson takes UTF-8 only; every batch would fail to encode */
    json_decref(id);
    json_decref(ifc);
    if (!utf8)
        return snprintf(err, es, "sensor id and interface must be UTF-8"), -1;
    return 0;
}

static void make_headers(sf_uploader *up)
{
    char auth[600] = "";
    if (up->token && *up->token)
        snprintf(auth, sizeof auth, "Authorization: Bearer %.512s\r\n", up->token);
    snprintf(up->batch_headers, sizeof up->batch_headers,
             "%sContent-Type: application/json\r\nContent-Encoding: gzip\r\n", auth);
    snprintf(up->json_headers, sizeof up->json_headers,
             "%sContent-Type: application/json\r\n", auth);
}

static void uploader_free(sf_uploader *up)
{
    if (!up)
        return;
    for (size_t i = 0; i < up->count; i++)
        sf_record_clear(&up->ring[(up->head + i) % up->cap]);
    free(up->ring);
    sf_spool_close(up->spool);
    json_decref(up->stats);
    free(up->sensor_id);
    free(up->token);
    free(up->interface);
    pthread_cond_destroy(&up->cv);
    pthread_mutex_destroy(&up->mu);
    free(up);
}

static void *uploader_main(void *arg);

static int init_sync(sf_uploader *up)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* timeouts immune to clock steps */
    int rc = pthread_cond_init(&up->cv, &ca);
    pthread_condattr_destroy(&ca);
    return rc == 0 ? pthread_mutex_init(&up->mu, NULL) : -1;
}

sf_uploader *sf_uploader_start(const sf_uploader_config *cfg, char *err, size_t err_size)
{
    sf_uploader *up = calloc(1, sizeof *up);
    if (!up || init_sync(up) != 0) {
        free(up);
        return snprintf(err, err_size, "out of memory"), NULL;
    }
    up->cfg = *cfg;
    if (gethostname(up->hostname, sizeof up->hostname - 1) != 0)
        snprintf(up->hostname, sizeof up->hostname, "unknown");
    up->sensor_id = strdup(cfg->sensor_id && *cfg->sensor_id ? cfg->sensor_id : up->hostname);
    up->token = strdup(cfg->token ? cfg->token : "");
    up->interface = strdup(cfg->interface ? cfg->interface : "");
    if (!up->sensor_id || !up->token || !up->interface) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    if (check_config(up, err, err_size) != 0)
        goto fail;
    make_headers(up);
    up->cap = (size_t)up->cfg.queue_max_records;
    up->ring = calloc(up->cap, sizeof *up->ring);
    up->spool = sf_spool_open(cfg->spool_dir, up->cfg.spool_max_bytes,
                              cfg->spool_drop_newest ? SF_SPOOL_DROP_NEWEST : SF_SPOOL_DROP_OLDEST,
                              err, err_size);
    if (!up->ring || !up->spool) {
        if (!up->ring)
            snprintf(err, err_size, "out of memory for a queue of %zu records", up->cap);
        goto fail;
    }
    up->next_seq = sf_spool_first_free_seq(up->spool);
    up->spool_on_disk = cfg->spool_dir != NULL;
    up->cfg.collector_url = up->cfg.spool_dir = NULL; /* not ours to keep */
    up->cfg.token = up->cfg.sensor_id = up->cfg.interface = NULL;
    up->boot_us = sf_now_us();
    sf_backoff_init(&up->backoff, SF_BACKOFF_BASE_MS, SF_BACKOFF_MAX_MS,
                    (uint64_t)up->boot_us ^ ((uint64_t)getpid() << 32));
    up->next_heartbeat_us = now_us();
    if (pthread_create(&up->thread, NULL, uploader_main, up) != 0) {
        snprintf(err, err_size, "cannot start the uploader thread");
        goto fail;
    }
    return up;
fail:
    uploader_free(up);
    return NULL;
}

/* Moves up to max records from the ring into a new array and gives the batch its
 * sequence number, both under mu, so sequence order is record order. */
static sf_record *take_locked(sf_uploader *up, size_t max, size_t *n, uint64_t *seq)
{
    size_t k = up->count < max ? up->count : max;
    *n = 0;
    if (k == 0)
        return NULL;
    sf_record *recs = malloc(k * sizeof *recs);
    if (!recs)
        return NULL;
    for (size_t i = 0; i < k; i++) {
        recs[i] = up->ring[up->head];
        up->head = (up->head + 1) % up->cap;
    }
    up->count -= k;
    up->first_pending_us = now_us();
    *n = k;
    *seq = up->next_seq++;
    return recs;
}

static void free_records(sf_record *recs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sf_record_clear(&recs[i]);
    free(recs);
}

static void count_dropped(sf_uploader *up, size_t records, const char *why)
{
    pthread_mutex_lock(&up->mu);
    up->c.batches_dropped++;
    up->c.records_dropped += records;
    pthread_mutex_unlock(&up->mu);
    sf_log(SF_LOG_WARN, "uploader: batch dropped",
           json_pack("{s:s, s:I}", "reason", why, "records", (json_int_t)records));
}

/* A batch ready to leave: its id and encoded body. */
typedef struct batch {
    uint64_t seq;
    uint32_t records;
    char id[256];
    unsigned char *body;
    size_t len;
} batch;

/* Encodes and frees recs. Returns 0 with b filled, or -1 (counted as dropped). */
static int seal(sf_uploader *up, sf_record *recs, size_t n, uint64_t seq, batch *b)
{
    memset(b, 0, sizeof *b);
    b->seq = seq;
    b->records = (uint32_t)n;
    int rc = sf_batch_id_format(b->id, sizeof b->id, up->sensor_id, up->boot_us, seq);
    if (rc == 0)
        rc = sf_batch_encode(up->sensor_id, b->id, recs, n, &b->body, &b->len);
    free_records(recs, n);
    if (rc != 0)
        count_dropped(up, n, "encoding failed");
    return rc;
}

static void spool_batch(sf_uploader *up, batch *b)
{
    int rc = sf_spool_put(up->spool, b->seq, b->id, b->records, b->body, b->len);
    pthread_mutex_lock(&up->mu);
    if (rc == 0)
        up->c.batches_spooled++;
    pthread_mutex_unlock(&up->mu);
    if (rc < 0) /* cap drops (rc 1) are counted by the spool */
        count_dropped(up, b->records, "spool write failed");
    free(b->body);
    b->body = NULL;
}

int sf_uploader_submit(sf_uploader *up, const sf_record *rec)
{
    sf_record copy;
    if (sf_record_copy(&copy, rec) != 0) {
        pthread_mutex_lock(&up->mu);
        up->c.records_submitted++;
        up->c.records_dropped++;
        pthread_mutex_unlock(&up->mu);
        return -1;
    }
    pthread_mutex_lock(&up->mu);
    up->c.records_submitted++;
    while (up->count == up->cap) {
        /* The uploader is stuck on the network: spool from here rather than block. */
        size_t n;
        uint64_t seq;
        sf_record *recs = take_locked(up, (size_t)up->cfg.batch_max_records, &n, &seq);
        pthread_mutex_unlock(&up->mu);
        batch b;
        if (recs && seal(up, recs, n, seq, &b) == 0)
            spool_batch(up, &b);
        pthread_mutex_lock(&up->mu);
        if (!recs)
            break;
    }
    int rc = -1;
    if (up->count < up->cap) {
        if (up->count == 0)
            up->first_pending_us = now_us();
        up->ring[(up->head + up->count) % up->cap] = copy;
        up->count++;
        /* Wake the thread for a full batch, and for a first record: it may be asleep
         * until the next heartbeat and must now wake at this record's batch deadline. */
        if (up->count == 1 || up->count >= (size_t)up->cfg.batch_max_records)
            pthread_cond_signal(&up->cv);
        rc = 0;
    } else {
        up->c.records_dropped++;
        sf_record_clear(&copy);
    }
    pthread_mutex_unlock(&up->mu);
    return rc;
}

static int timeout_ms(sf_uploader *up)
{
    pthread_mutex_lock(&up->mu);
    int stopping = up->stopping;
    int64_t left = (up->stop_deadline_us - now_us()) / 1000;
    pthread_mutex_unlock(&up->mu);
    if (!stopping || left >= SEND_TIMEOUT_MS)
        return SEND_TIMEOUT_MS;
    return left < 100 ? 100 : (int)left;
}

/* Logs the collector's per-record refusals (the batch itself was stored). */
static void note_ack(sf_uploader *up, const batch *b, const sf_http_response *resp)
{
    json_t *j = json_loadb(resp->body, resp->body_len, 0, NULL);
    json_t *rej = json_object_get(j, "rejected");
    size_t nrej = json_is_array(rej) ? json_array_size(rej) : 0;
    if (nrej > 0) {
        pthread_mutex_lock(&up->mu);
        up->records_rejected += nrej;
        pthread_mutex_unlock(&up->mu);
        sf_log(SF_LOG_WARN, "uploader: collector rejected records of a batch",
               json_pack("{s:s, s:I, s:O}", "batch_id", b->id, "rejected", (json_int_t)nrej,
                         "first", json_array_get(rej, 0)));
    }
    json_decref(j);
}

static send_result classify(int status)
{
    if ((status >= 200 && status < 300) || status == 409)
        return SEND_ACK; /* 409: already stored, so a resend after a lost ack is done */
    if (status >= 400 && status < 500 && status != 408 && status != 429)
        return SEND_PERMANENT;
    return SEND_RETRY; /* 5xx, 408, 429, and anything unexpected (1xx, 3xx) */
}

static void mark_up(sf_uploader *up)
{
    sf_backoff_reset(&up->backoff);
    up->retry_at_us = 0;
    if (up->collector_down)
        sf_log(SF_LOG_INFO, "uploader: collector reachable again", NULL);
    up->collector_down = 0;
}

static void mark_down(sf_uploader *up, const char *why, int64_t retry_after_ms, int how)
{
    int64_t delay = sf_backoff_next(&up->backoff, retry_after_ms);
    up->retry_at_us = now_us() + delay * 1000;
    pthread_mutex_lock(&up->mu);
    up->c.send_failures++;
    pthread_mutex_unlock(&up->mu);
    if (!up->collector_down)
        sf_log(SF_LOG_WARN, "uploader: collector unavailable, spooling batches",
               json_pack("{s:s, s:s}", "collector", up->url.host_header, "error", why));
    else
        sf_log(SF_LOG_DEBUG, "uploader: send failed", json_pack("{s:s, s:I}", "error", why,
                                                              "retry_ms", (json_int_t)delay));
    up->collector_down = how;
}

static send_result send_batch(sf_uploader *up, const batch *b)
{
    sf_http_response resp;
    char err[SF_HTTP_ERR_MAX], why[SF_HTTP_ERR_MAX + 32];
    if (sf_http_request(&up->url, "POST", "/api/traffic/batch", up->batch_headers, b->body,
                        b->len, timeout_ms(up), RESPONSE_BODY_CAP, &resp, err,
                        sizeof err) != 0) {
        mark_down(up, err, -1, 1);
        return SEND_RETRY;
    }
    send_result r = classify(resp.status);
    if (r == SEND_ACK) {
        note_ack(up, b, &resp);
        mark_up(up);
    } else if (r == SEND_PERMANENT) {
        mark_up(up); /* the collector answers; this batch is the problem */
        sf_log(SF_LOG_ERROR, "uploader: collector refused a batch; not retrying it",
               json_pack("{s:s, s:i, s:s%}", "batch_id", b->id, "status", resp.status,
                         "body", resp.body, resp.body_len < 512 ? resp.body_len : 512));
    } else {
        snprintf(why, sizeof why, "HTTP status %d", resp.status);
        mark_down(up, why, resp.retry_after_ms, 2);
    }
    sf_http_response_free(&resp);
    return r;
}

/* Bookkeeping after an attempt that ended (ack or permanent refusal). */
static void count_outcome(sf_uploader *up, const batch *b, send_result r, int replayed)
{
    if (r == SEND_PERMANENT) {
        count_dropped(up, b->records, "refused by the collector");
        return;
    }
    pthread_mutex_lock(&up->mu);
    up->c.batches_sent++;
    up->c.records_sent += b->records;
    if (replayed)
        up->c.batches_replayed++;
    pthread_mutex_unlock(&up->mu);
}

/* A new batch goes straight out only if nothing older is waiting and we are not
 * backing off; otherwise it queues behind the others in the spool. */
static void dispatch(sf_uploader *up, batch *b, int may_send)
{
    if (may_send && sf_spool_empty(up->spool) && now_us() >= up->retry_at_us) {
        send_result r = send_batch(up, b);
        if (r != SEND_RETRY) {
            count_outcome(up, b, r, 0);
            free(b->body);
            return;
        }
    }
    spool_batch(up, b);
}

/* Sends the oldest spooled batch. Returns 1 if one was sent or dropped, 0 otherwise. */
static int replay_one(sf_uploader *up)
{
    sf_spool_item item;
    if (sf_spool_peek(up->spool, &item) != 0)
        return 0;
    batch b = {.seq = item.seq, .records = item.records, .body = item.body, .len = item.len};
    snprintf(b.id, sizeof b.id, "%s", item.batch_id);
    send_result r = send_batch(up, &b);
    if (r != SEND_RETRY) {
        sf_spool_remove(up->spool, item.seq);
        count_outcome(up, &b, r, 1);
    }
    sf_spool_item_free(&item);
    return r != SEND_RETRY;
}

void sf_uploader_set_stats(sf_uploader *up, json_t *stats)
{
    pthread_mutex_lock(&up->mu);
    json_decref(up->stats);
    up->stats = stats;
    pthread_mutex_unlock(&up->mu);
}

void sf_uploader_get_counters(sf_uploader *up, sf_uploader_counters *out)
{
    sf_spool_counters sc;
    sf_spool_get_counters(up->spool, &sc);
    pthread_mutex_lock(&up->mu);
    *out = up->c;
    pthread_mutex_unlock(&up->mu);
    out->batches_dropped += sc.dropped_batches + sc.corrupt;
    out->records_dropped += sc.dropped_records;
    out->spool_bytes = sc.bytes;
}

/* The heartbeat body: the capture's statistics plus our own counters. */
static json_t *heartbeat_body(sf_uploader *up)
{
    sf_uploader_counters c;
    sf_spool_counters sc;
    sf_uploader_get_counters(up, &c);
    sf_spool_get_counters(up->spool, &sc);
    pthread_mutex_lock(&up->mu);
    json_t *stats = up->stats ? json_deep_copy(up->stats) : json_object();
    json_t *mine = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
        "records_submitted", (json_int_t)c.records_submitted,
        "records_sent", (json_int_t)c.records_sent,
        "records_dropped", (json_int_t)c.records_dropped,
        "records_rejected", (json_int_t)up->records_rejected,
        "batches_sent", (json_int_t)c.batches_sent,
        "batches_spooled", (json_int_t)c.batches_spooled,
        "batches_replayed", (json_int_t)c.batches_replayed,
        "batches_dropped", (json_int_t)c.batches_dropped,
        "send_failures", (json_int_t)c.send_failures,
        "spooled_bytes", (json_int_t)sc.bytes,
        "spooled_batches", (json_int_t)sc.batches,
        "spool_corrupt", (json_int_t)sc.corrupt,
        "queue_records", (json_int_t)up->count);
    pthread_mutex_unlock(&up->mu);
    if (json_is_object(stats) && mine)
        json_object_update(stats, mine);
    json_decref(mine);
    return json_pack("{s:s, s:s, s:s, s:s, s:o}", "sensor_id", up->sensor_id, "hostname",
                     up->hostname, "interface", up->interface, "version", SF_VERSION,
                     "stats", stats ? stats : json_object());
}

static void heartbeat(sf_uploader *up)
{
    up->next_heartbeat_us = now_us() + up->cfg.heartbeat_interval_ms * 1000;
    json_t *body = heartbeat_body(up);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return;
    sf_http_response resp;
    char err[SF_HTTP_ERR_MAX];
    int rc = sf_http_request(&up->url, "POST", "/api/sensors/heartbeat", up->json_headers,
                             text, strlen(text), timeout_ms(up), 4096, &resp, err, sizeof err);
    free(text);
    int ok = rc == 0 && resp.status >= 200 && resp.status < 300;
    pthread_mutex_lock(&up->mu);
    if (ok)
        up->heartbeats_sent++;
    else
        up->heartbeat_failures++;
    pthread_mutex_unlock(&up->mu);
    if (!ok)
        sf_log(SF_LOG_DEBUG, "uploader: heartbeat failed",
               json_pack("{s:s, s:i}", "error", rc ? err : "unexpected status", "status",
                         rc ? 0 : resp.status));
    if (ok && up->collector_down == 1)
        up->retry_at_us = 0; /* reachable again: replay now, not at the backoff's end (but a
                              * collector that asked us to wait with 503/429 is obeyed) */
    if (rc == 0)
        sf_http_response_free(&resp);
}

static int64_t next_wake_locked(const sf_uploader *up, int spool_waiting)
{
    int64_t wake = up->next_heartbeat_us;
    int64_t batch_due = up->first_pending_us + up->cfg.batch_max_age_ms * 1000;
    if (up->count > 0 && batch_due < wake)
        wake = batch_due;
    if (spool_waiting && up->retry_at_us < wake)
        wake = up->retry_at_us;
    return wake;
}

static void wait_for_work_locked(sf_uploader *up, int spool_waiting)
{
    while (!up->stopping && up->count < (size_t)up->cfg.batch_max_records) {
        int64_t wake = next_wake_locked(up, spool_waiting);
        if (now_us() >= wake)
            break;
        struct timespec ts = {.tv_sec = wake / 1000000, .tv_nsec = (wake % 1000000) * 1000};
        pthread_cond_timedwait(&up->cv, &up->mu, &ts);
    }
}

/* One turn: cut a batch if due, heartbeat if due, replay one spooled batch if allowed.
 * Returns 0 once asked to stop. */
static int one_turn(sf_uploader *up)
{
    int spool_waiting = !sf_spool_empty(up->spool);
    pthread_mutex_lock(&up->mu);
    wait_for_work_locked(up, spool_waiting);
    if (up->stopping) {
        pthread_mutex_unlock(&up->mu);
        return 0;
    }
    size_t n = 0;
    uint64_t seq = 0;
    sf_record *recs = NULL;
    int64_t now = now_us();
    if (up->count >= (size_t)up->cfg.batch_max_records ||
        (up->count > 0 && now >= up->first_pending_us + up->cfg.batch_max_age_ms * 1000))
        recs = take_locked(up, (size_t)up->cfg.batch_max_records, &n, &seq);
    pthread_mutex_unlock(&up->mu);
    batch b;
    if (recs && seal(up, recs, n, seq, &b) == 0)
        dispatch(up, &b, 1);
    if (now_us() >= up->next_heartbeat_us)
        heartbeat(up);
    if (now_us() >= up->retry_at_us)
        replay_one(up);
    return 1;
}

static void sleep_until(int64_t t_us)
{
    int64_t left = t_us - now_us();
    if (left <= 0)
        return;
    struct timespec ts = {.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* At stop: everything pending is sent or spooled; spooled batches are replayed while
 * the deadline allows. An in-memory spool cannot outlive us: what is left is counted. */
static void drain(sf_uploader *up)
{
    pthread_mutex_lock(&up->mu);
    int64_t deadline = up->stop_deadline_us;
    for (;;) {
        size_t n;
        uint64_t seq;
        sf_record *recs = take_locked(up, (size_t)up->cfg.batch_max_records, &n, &seq);
        pthread_mutex_unlock(&up->mu);
        if (!recs)
            break;
        batch b;
        if (seal(up, recs, n, seq, &b) == 0)
            dispatch(up, &b, now_us() < deadline);
        pthread_mutex_lock(&up->mu);
    }
    while (!sf_spool_empty(up->spool) && now_us() < deadline && up->retry_at_us < deadline) {
        sleep_until(up->retry_at_us);
        replay_one(up);
    }
    sf_spool_item item;
    while (!up->spool_on_disk && sf_spool_peek(up->spool, &item) == 0) {
        sf_spool_remove(up->spool, item.seq);
        count_dropped(up, item.records, "collector unreachable at exit, no spool directory");
        sf_spool_item_free(&item);
    }
}

static void *uploader_main(void *arg)
{
    sf_uploader *up = arg;
    while (one_turn(up))
        ;
    drain(up);
    return NULL;
}

void sf_uploader_stop(sf_uploader *up, int64_t deadline_ms)
{
    if (!up)
        return;
    pthread_mutex_lock(&up->mu);
    up->stopping = 1;
    up->stop_deadline_us = now_us() + (deadline_ms > 0 ? deadline_ms : 0) * 1000;
    pthread_cond_signal(&up->cv);
    pthread_mutex_unlock(&up->mu);
    pthread_join(up->thread, NULL);
    sf_uploader_counters c;
    sf_uploader_get_counters(up, &c);
    sf_log(SF_LOG_INFO, "uploader: stopped",
           json_pack("{s:I, s:I, s:I, s:I}", "records_sent", (json_int_t)c.records_sent,
                     "records_dropped", (json_int_t)c.records_dropped, "spool_bytes",
                     (json_int_t)c.spool_bytes, "send_failures", (json_int_t)c.send_failures));
    uploader_free(up);
}
