/* Storing ingested traffic: one group of jobs in one transaction — batch idempotency
 * (ingest_batches), traffic ids, raw rows (COPY into the day partitions), anomalies
 * (COPY), and the per-minute rollups (COPY into a temporary table, then one upsert). */
#ifndef SF_TRAFFIC_STORE_H
#define SF_TRAFFIC_STORE_H

#include <libpq-fe.h>
#include <stddef.h>

#include "collector/copy_buffer.h"
#include "collector/ingest_job.h"

#define SF_ID_BLOCK 100000

typedef struct sf_traffic_store {
    PGconn *conn;
    int64_t next_id, end_id;     /* current block of traffic ids */
    int known_days[64];          /* partitions known to exist (days since epoch) */
    int nknown;
    sf_copy_buffer copy;
    int prepared;                /* temp table made on this connection */
    int incidents_prepared;      /* incident_in made on this connection */
} sf_traffic_store;

/* Writes jobs[0..n) in one transaction; sets job->duplicate etc. Returns 0, or -1 with
 * err set (the transaction is rolled back; nothing of the group is stored). */
int sf_traffic_store_write(sf_traffic_store *st, sf_ingest_job **jobs, size_t n, char *err,
                           size_t err_size);

/* Makes sure the day partition holding unix_us exists (own transaction). */
int sf_traffic_store_ensure_partition(sf_traffic_store *st, int64_t unix_us, char *err,
                                      size_t err_size);

/* Drops traffic partitions older than keep_days; deletes rollups and anomalies older than
 * keep_aggregate_days. Returns the number of partitions dropped, or -1. */
int sf_traffic_store_retention(sf_traffic_store *st, int keep_days, int keep_aggregate_days,
                               char *err, size_t err_size);

/* Forgets per-connection state after a reconnect. */
void sf_traffic_store_reset(sf_traffic_store *st);

#endif
