/* The ingest pipeline: decode workers (gunzip, JSON, validation, route templates,
 * detectors) between the HTTP handlers and the writer, so the event loop only moves
 * bytes. Bounded: at most `decode_queue_max` jobs wait for a worker, and the writer's
 * queue bounds records; a full pipeline answers 503 + Retry-After. */
#ifndef SF_INGEST_PIPELINE_H
#define SF_INGEST_PIPELINE_H

#include <stdint.h>

#include "collector/db_writer.h"
#include "collector/detect.h"
#include "collector/ingest_job.h"
#include "collector/loop_mailbox.h"

typedef struct sf_ingest_pipeline sf_ingest_pipeline;

typedef struct sf_ingest_pipeline_config {
    int workers;               /* decode threads (default 1) */
    int decode_queue_max;      /* jobs waiting for a worker (default 256) */
    size_t max_inflated;       /* largest decompressed batch body */
    int64_t max_age_us;        /* refuse records older than this (retention); 0 = none */
} sf_ingest_pipeline_config;

sf_ingest_pipeline *sf_ingest_pipeline_start(const sf_ingest_pipeline_config *cfg,
                                             sf_detectors *detectors, sf_db_writer *writer,
                                             sf_loop_mailbox *mailbox);
/* Queues job (body set, done set). Returns -1 when full: the caller answers 503.
 * A job without a body but with items (each prepared with sf_ingest_item_prepare, e.g.
 * demo data with demo/ground_truth set) skips decoding and goes straight to the
 * detectors and the writer: the same scoring path as real traffic. */
int sf_ingest_submit(sf_ingest_pipeline *p, sf_ingest_job *job);
/* Jobs waiting for or being decoded. */
int sf_ingest_pipeline_pending(sf_ingest_pipeline *p);
/* Decodes what is queued, then stops the workers. */
void sf_ingest_pipeline_stop(sf_ingest_pipeline *p);

#endif
