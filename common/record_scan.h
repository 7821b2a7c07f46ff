/* One-pass decoding of record JSON for the ingest hot path: the text is read once and the
 * record fields go straight into the shared validator (record_fields.h), with no Jansson
 * tree and no allocation per value. It covers the shapes sensors and clients send — known
 * keys; string, number, true/false/null values; a list of strings for flags; plain escapes —
 * and answers SF_SCAN_FALLBACK for anything else (unknown keys, \u escapes, syntax errors,
 * duplicate keys, ...). The caller then decodes the same text with Jansson
 * (record_json.h), which accepts, refuses and explains exactly as this would have: both
 * feed the same validator, and a differential fuzz target holds them to it. */
#ifndef SF_RECORD_SCAN_H
#define SF_RECORD_SCAN_H

#include <stddef.h>

#include "common/record.h"
#include "common/record_json.h"

#define SF_SCAN_FALLBACK 1

/* Called for each record of a batch in order. valid: rec holds the record and the callee
 * takes it over; otherwise errs says why the record was refused (rec is cleared). A
 * non-zero return stops the scan, which then returns -1. */
typedef int (*sf_record_scan_fn)(void *arg, size_t index, sf_record *rec, int valid,
                                 const sf_field_errors *errs);

typedef struct sf_batch_scan {
    size_t max_records;          /* more than this: SF_SCAN_FALLBACK */
    sf_record_scan_fn on_record;
    void *arg;
    /* out: the batch's ids (1-256 characters each) */
    char sensor_id[SF_SHORT_TEXT_MAX + 1];
    char batch_id[SF_SHORT_TEXT_MAX + 1];
} sf_batch_scan;

/* A batch body {"sensor_id", "batch_id", "records": [...]}. Returns 0 when decoded (every
 * record was handed to on_record), SF_SCAN_FALLBACK (records already handed over must be
 * dropped), or -1 (out of memory, or on_record stopped it). */
int sf_record_scan_batch(const char *text, size_t len, sf_batch_scan *scan);

/* A single record body. Returns 0 with rec filled, 0 with rec cleared and errs filled when
 * the record is invalid, SF_SCAN_FALLBACK, or -1 (out of memory). valid says which of the
 * first two happened. */
int sf_record_scan_one(const char *text, size_t len, sf_record *rec, int *valid,
                       sf_field_errors *errs);

#endif
