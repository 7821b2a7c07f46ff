/* The writer: the one thread that stores ingested traffic. It takes jobs from a queue
 * bounded in records (a full queue makes ingest answer 503 + Retry-After), groups them
 * up to a size, stores each group in one transaction (traffic_store.h), and only then
 * lets their requests be answered — an acknowledged record is a committed record. When
 * PostgreSQL goes away it keeps the group, reconnects with backoff and tries again. On
 * stop it drains the queue first. It also runs the retention job. */
#ifndef SF_DB_WRITER_H
#define SF_DB_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "collector/ingest_job.h"
#include "collector/loop_mailbox.h"

typedef struct sf_db_writer sf_db_writer;

typedef struct sf_db_writer_config {
    const char *conninfo;
    int64_t queue_max_records;  /* default 200000 */
    int64_t group_max_records;  /* default 40000 */
    int retention_days;         /* raw traffic (7) */
    int aggregate_retention_days; /* rollups, anomalies (90) */
} sf_db_writer_config;

typedef struct sf_db_writer_stats {
    int64_t queued_records;
    uint64_t records_written, groups_written, db_errors, duplicates;
    bool healthy;               /* last write attempt succeeded (or nothing tried yet) */
} sf_db_writer_stats;

sf_db_writer *sf_db_writer_start(const sf_db_writer_config *cfg, sf_loop_mailbox *mailbox);
/* Queues job; returns -1 if the queue is full or the writer is stopping. When stored (or
 * failed), job->done(job) runs on the loop thread. */
int sf_db_writer_submit(sf_db_writer *w, sf_ingest_job *job);
void sf_db_writer_get_stats(sf_db_writer *w, sf_db_writer_stats *out);
/* Stores everything queued (waiting up to deadline_ms for the database), then stops. */
void sf_db_writer_stop(sf_db_writer *w, int64_t deadline_ms);

#endif
