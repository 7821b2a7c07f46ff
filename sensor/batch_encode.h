/* Batch encoding for the uploader: records -> the api.md batch body
 * {"sensor_id","batch_id","records":[...]}, gzip'd for POST /api/traffic/batch, and the
 * batch id scheme "<sensor_id>-<boot_epoch>-<seq>" that makes a resend harmless. */
#ifndef SF_BATCH_ENCODE_H
#define SF_BATCH_ENCODE_H

#include <stddef.h>
#include <stdint.h>
#include "common/record.h"

#define SF_BATCH_MAX_RECORDS 10000      /* api.md limit per batch */
#define SF_BATCH_ID_MAX 200             /* fits the contract's 256-character id limit */
#define SF_GUNZIP_MAX (256u << 20)      /* refuse to inflate beyond this (tests, spool checks) */

/* Writes "<sensor_id>-<boot_epoch>-<seq>" into out. Returns 0, or -1 if it does not fit. */
int sf_batch_id_format(char *out, size_t size, const char *sensor_id, int64_t boot_epoch,
                       uint64_t seq);

/* The batch body as compact JSON text (malloc'd, NUL-terminated). NULL on error
 * (n == 0, n > SF_BATCH_MAX_RECORDS, out of memory). */
char *sf_batch_json(const char *sensor_id, const char *batch_id, const sf_record *recs,
                    size_t n, size_t *len);

/* gzip (RFC 1952) of in. Returns 0 with *out malloc'd, or -1. */
int sf_gzip(const void *in, size_t len, unsigned char **out, size_t *out_len);
/* Inflates a gzip member, refusing output over max_out bytes. Returns 0 with *out
 * malloc'd and NUL-terminated, or -1 (corrupt, truncated or too large). */
int sf_gunzip(const void *in, size_t len, size_t max_out, unsigned char **out,
              size_t *out_len);

/* sf_batch_json + sf_gzip. Returns 0 with *out malloc'd, or -1. */
int sf_batch_encode(const char *sensor_id, const char *batch_id, const sf_record *recs,
                    size_t n, unsigned char **out, size_t *out_len);

#endif
