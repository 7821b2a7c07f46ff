/* The upload spool: batches the collector has not acknowledged yet, oldest first.
 * On disk (one directory) each batch is one file named by its sequence number, written
 * to a temporary name, fsync'd and renamed, so a crash leaves either the whole batch or
 * nothing, and a restarted sensor finds the batches in order. Without a directory the
 * same bounded queue lives in memory (lost on exit, counted). The total size is capped;
 * at the cap the oldest or the newest batch is dropped, counted and logged. A file that
 * fails its checks is renamed *.corrupt (kept for a human), counted and skipped.
 * Thread-safe. */
#ifndef SF_SPOOL_H
#define SF_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sf_spool sf_spool;

typedef enum { SF_SPOOL_DROP_OLDEST, SF_SPOOL_DROP_NEWEST } sf_spool_policy;

typedef struct sf_spool_counters {
    uint64_t batches, bytes;                  /* held now */
    uint64_t stored, removed;                 /* puts accepted, acks removed */
    uint64_t dropped_batches, dropped_records, dropped_bytes; /* cap, policy */
    uint64_t corrupt, io_errors;
} sf_spool_counters;

/* One spooled batch as read back (body malloc'd; free with sf_spool_item_free). */
typedef struct sf_spool_item {
    uint64_t seq;
    uint32_t records;
    char batch_id[256];
    unsigned char *body;
    size_t len;
} sf_spool_item;

/* Opens (creating it, mode 0700) dir, or an in-memory spool when dir is NULL. Stray
 * temporary files from a crash are removed; existing batches are indexed. The
 * directory is locked against a second sensor. NULL with err on failure. */
sf_spool *sf_spool_open(const char *dir, int64_t max_bytes, sf_spool_policy policy,
                        char *err, size_t err_size);
void sf_spool_close(sf_spool *sp);

/* The sequence number to give the next new batch: one past the highest found at open
 * (1 for an empty spool), so new batches sort after those left by a previous run. */
uint64_t sf_spool_first_free_seq(const sf_spool *sp);

/* Stores a batch (body = the exact request body). Returns 0 stored, 1 not stored
 * because of the cap (counted), -1 on I/O error (counted; the caller keeps it or drops). */
int sf_spool_put(sf_spool *sp, uint64_t seq, const char *batch_id, uint32_t records,
                 const void *body, size_t len);
/* Reads the oldest batch into item. Returns 0, or 1 when the spool is empty. Corrupt
 * files are set aside and skipped. */
int sf_spool_peek(sf_spool *sp, sf_spool_item *item);
/* Removes batch seq (acknowledged or permanently refused). Missing is not an error. */
void sf_spool_remove(sf_spool *sp, uint64_t seq);
bool sf_spool_empty(sf_spool *sp);
void sf_spool_get_counters(sf_spool *sp, sf_spool_counters *out);
void sf_spool_item_free(sf_spool_item *item);

#endif
