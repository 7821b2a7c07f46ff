/* Ingest decoding: a job's raw body (possibly gzip) → validated records with their time
 * and route template. Errors set job->status and job->error_body (api.md shapes):
 * 400 malformed gzip, 413 too large once inflated, 422 invalid JSON or fields. In a batch,
 * a bad record is only counted in `rejected` with its index and reason. */
#ifndef SF_INGEST_DECODE_H
#define SF_INGEST_DECODE_H

#include <stddef.h>

#include "collector/ingest_job.h"

/* max_age_us: records older than this (the traffic retention) are refused; 0 = any age. */
void sf_ingest_decode(sf_ingest_job *job, size_t max_inflated, int64_t max_age_us);

/* Fills item's derived fields (time, route) from its record; used by decode and demo. */
void sf_ingest_item_prepare(sf_ingest_item *item, int64_t now_us);

#endif
