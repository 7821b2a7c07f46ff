/* The uploader: batches transaction records and sends them to the collector
 * (POST /api/traffic/batch, gzip, bearer ingest token, batch_id = sensor id + sequence,
 * exponential backoff with jitter), spooling batches to a bounded on-disk directory
 * while the collector is unreachable and replaying them in order when it returns.
 * Also sends heartbeats with capture statistics (POST /api/sensors/heartbeat).
 * Runs on its own thread; the capture path only hands records over and never waits
 * on the network. */
#ifndef SF_UPLOADER_H
#define SF_UPLOADER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "common/record.h"

typedef struct sf_uploader_config {
    const char *collector_url;  /* "http://127.0.0.1:8080" */
    const char *token;          /* ingest token */
    const char *sensor_id;      /* stable id of this sensor (default: hostname) */
    const char *interface;      /* for heartbeats ("lo", "file") */
    const char *spool_dir;      /* NULL = no spool (batches dropped and counted when down) */
    int64_t spool_max_bytes;    /* spool size cap */
    int batch_max_records;      /* flush when this many records are pending (<= 10000) */
    int64_t batch_max_age_ms;   /* flush at least this often */
    int64_t heartbeat_interval_ms; /* default 10000 */
    int64_t queue_max_records;  /* in-memory bound between capture and uploader */
    int spool_drop_newest;      /* at the spool cap: 0 = drop the oldest batch, 1 = the newest */
} sf_uploader_config;

typedef struct sf_uploader_counters {
    uint64_t records_submitted, records_sent, records_dropped;
    uint64_t batches_sent, batches_spooled, batches_replayed, batches_dropped;
    uint64_t send_failures, spool_bytes;
} sf_uploader_counters;

typedef struct sf_uploader sf_uploader;

/* Starts the uploader thread. NULL with err filled on bad configuration. */
sf_uploader *sf_uploader_start(const sf_uploader_config *cfg, char *err, size_t err_size);
/* Copies rec into the queue. Never blocks on the network; when the queue is full the
 * pending records are flushed to the spool (or dropped and counted). Returns 0 or -1. */
int sf_uploader_submit(sf_uploader *up, const sf_record *rec);
/* Replaces the capture statistics sent with the next heartbeat (reference stolen). */
void sf_uploader_set_stats(sf_uploader *up, json_t *stats);
void sf_uploader_get_counters(sf_uploader *up, sf_uploader_counters *out);
/* Flushes what is pending (sent, or spooled if the collector is down, within
 * deadline_ms), stops the thread and frees everything. */
void sf_uploader_stop(sf_uploader *up, int64_t deadline_ms);

#endif
