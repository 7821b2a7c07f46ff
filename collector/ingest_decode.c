/* Ingest decoding (see ingest_decode.h). */
#include "collector/ingest_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/gzip_inflate.h"
#include "common/record_json.h"
#include "common/record_scan.h"
#include "common/time_util.h"

#define JSON_DEPTH_MAX 32

static void fail(sf_ingest_job *job, int status, json_t *body)
{
    job->status = status;
    job->error_body = body;
}

static void fail_field(sf_ingest_job *job, const char *field, const char *type, const char *msg)
{
    fail(job, 422, json_pack("{s:[{s:s,s:[s,s],s:s}]}", "detail", "type", type, "loc", "body",
                             field, "msg", msg));
}

static json_t *field_errors_json(const sf_field_errors *errs)
{
    json_t *list = json_array();
    for (int i = 0; i < errs->count; i++)
        json_array_append_new(list, json_pack("{s:s,s:[s,s],s:s}", "type", errs->items[i].type,
                                              "loc", "body", errs->items[i].field, "msg",
                                              errs->items[i].msg));
    return list;
}

void sf_ingest_item_prepare(sf_ingest_item *item, int64_t now_us)
{
    item->ts_us = item->rec.timestamp_us != SF_ABSENT ? item->rec.timestamp_us : now_us;
    sf_route_template(item->rec.endpoint, item->route);
    item->ground_truth = -1;
    item->score = -1;
}

static int copy_id(sf_ingest_job *job, json_t *root, const char *key, char *out)
{
    json_t *v = json_object_get(root, key);
    size_t n = json_is_string(v) ? json_string_length(v) : 0;
    if (!json_is_string(v) || n < 1 || n > SF_BATCH_ID_MAX || memchr(json_string_value(v), 0, n)) {
        fail_field(job, key, "string_type", "Field required: a string of 1-256 characters");
        return -1;
    }
    memcpy(out, json_string_value(v), n + 1);
    return 0;
}

/* A record older than the traffic retention would be dropped by the next retention run:
 * refuse it instead of acknowledging something that will silently vanish. */
static int too_old(const sf_ingest_item *it, int64_t now, int64_t max_age_us)
{
    return max_age_us > 0 && it->ts_us < now - max_age_us;
}

#define TOO_OLD_MSG "timestamp: older than the traffic retention period"

/* Takes one decoded record (or its refusal) into the job as item number job->count. */
static void take_record(sf_ingest_job *job, size_t index, sf_record *rec, int valid,
                        const sf_field_errors *errs, int64_t now, int64_t max_age_us)
{
    const char *reason = NULL;
    char detail[256];
    if (!valid) {
        snprintf(detail, sizeof detail, "%s: %s", errs->items[0].field, errs->items[0].msg);
        reason = detail;
    } else {
        sf_ingest_item *it = &job->items[job->count];
        it->rec = *rec;
        sf_ingest_item_prepare(it, now);
        if (!too_old(it, now, max_age_us)) {
            job->count++;
            return;
        }
        sf_ingest_item_clear(it);
        reason = TOO_OLD_MSG;
    }
    json_array_append_new(job->rejected, json_pack("{s:I,s:s}", "index", (json_int_t)index,
                                                   "detail", reason));
}

/* Drops whatever a scan that fell back had already taken. */
static void reset_items(sf_ingest_job *job)
{
    for (size_t i = 0; i < job->count; i++)
        sf_ingest_item_clear(&job->items[i]);
    free(job->items);
    job->items = NULL;
    job->count = 0;
    json_decref(job->rejected);
    job->rejected = NULL;
}

static void decode_batch(sf_ingest_job *job, json_t *root, int64_t max_age_us)
{
    if (!json_is_object(root)) {
        fail_field(job, "body", "model_attributes_type", "Input should be a JSON object");
        return;
    }
    if (copy_id(job, root, "sensor_id", job->sensor_id) || copy_id(job, root, "batch_id", job->batch_id))
        return;
    json_t *records = json_object_get(root, "records");
    if (!json_is_array(records)) {
        fail_field(job, "records", "list_type", "Input should be a list of records");
        return;
    }
    size_t n = json_array_size(records);
    if (n > SF_BATCH_RECORDS_MAX) {
        fail_field(job, "records", "too_long", "A batch holds at most 10000 records");
        return;
    }
    job->items = calloc(n ? n : 1, sizeof *job->items);
    job->rejected = json_array();
    int64_t now = sf_now_us();
    for (size_t i = 0; i < n; i++) {
        sf_record rec;
        sf_field_errors errs = {0};
        int valid = sf_record_from_json(json_array_get(records, i), &rec, &errs) == 0;
        take_record(job, i, &rec, valid, &errs, now, max_age_us);
    }
}

static void decode_single(sf_ingest_job *job, sf_record *rec, int valid,
                          const sf_field_errors *errs, int64_t max_age_us)
{
    if (!valid) {
        fail(job, 422, json_pack("{s:o}", "detail", field_errors_json(errs)));
        return;
    }
    int64_t now = sf_now_us();
    job->items[0].rec = *rec;
    sf_ingest_item_prepare(&job->items[0], now);
    if (too_old(&job->items[0], now, max_age_us)) {
        sf_ingest_item_clear(&job->items[0]);
        fail_field(job, "timestamp", "datetime_too_old", TOO_OLD_MSG);
        return;
    }
    job->count = 1;
}

/* The fast path's per-record callback: items grow as records arrive. */
typedef struct scan_target {
    sf_ingest_job *job;
    size_t cap;
    int64_t now, max_age_us;
} scan_target;

static int on_scanned(void *arg, size_t index, sf_record *rec, int valid,
                      const sf_field_errors *errs)
{
    scan_target *t = arg;
    sf_ingest_job *job = t->job;
    if (job->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        sf_ingest_item *items = realloc(job->items, cap * sizeof *items);
        if (!items) {
            sf_record_clear(rec);
            return -1;
        }
        memset(items + t->cap, 0, (cap - t->cap) * sizeof *items);
        job->items = items;
        t->cap = cap;
    }
    take_record(job, index, rec, valid, errs, t->now, t->max_age_us);
    return 0;
}

/* Tries the one-pass scanner; 0 when it decoded the body, else the caller uses Jansson. */
_Static_assert(sizeof(((sf_batch_scan *)0)->batch_id) == sizeof(((sf_ingest_job *)0)->batch_id),
               "batch ids fit both");

static int decode_fast(sf_ingest_job *job, int64_t max_age_us)
{
    int rc;
    job->rejected = json_array();
    if (job->is_batch) {
        scan_target t = {job, 0, sf_now_us(), max_age_us};
        sf_batch_scan scan = {.max_records = SF_BATCH_RECORDS_MAX, .on_record = on_scanned, .arg = &t};
        rc = sf_record_scan_batch(job->body, job->body_len, &scan);
        if (rc == 0) {
            memcpy(job->sensor_id, scan.sensor_id, sizeof scan.sensor_id);
            memcpy(job->batch_id, scan.batch_id, sizeof scan.batch_id);
            if (!job->items)
                job->items = calloc(1, sizeof *job->items);
        }
    } else {
        sf_record rec;
        sf_field_errors errs = {0};
        int valid = 0;
        job->items = calloc(1, sizeof *job->items);
        rc = sf_record_scan_one(job->body, job->body_len, &rec, &valid, &errs);
        if (rc == 0)
            decode_single(job, &rec, valid, &errs, max_age_us);
    }
    if (rc != 0)
        reset_items(job);
    return rc;
}

static void decode_slow(sf_ingest_job *job, json_t *root, int64_t max_age_us)
{
    if (job->is_batch) {
        decode_batch(job, root, max_age_us);
        return;
    }
    sf_record rec;
    sf_field_errors errs = {0};
    int valid = sf_record_from_json(root, &rec, &errs) == 0;
    job->items = calloc(1, sizeof *job->items);
    job->rejected = json_array();
    decode_single(job, &rec, valid, &errs, max_age_us);
}

void sf_ingest_decode(sf_ingest_job *job, size_t max_inflated, int64_t max_age_us)
{
    if (job->gzip) {
        char *plain;
        size_t plain_len;
        int rc = sf_gzip_inflate(job->body, job->body_len, max_inflated, &plain, &plain_len);
        if (rc == -2) {
            fail(job, 413, json_pack("{s:s}", "detail", "Request body too large once decompressed"));
            return;
        }
        if (rc != 0) {
            fail(job, 400, json_pack("{s:s}", "detail", "Malformed gzip body"));
            return;
        }
        free(job->body);
        job->body = plain;
        job->body_len = plain_len;
    }
    if (decode_fast(job, max_age_us) != 0) {
        json_error_t jerr;
        json_t *root = sf_json_load_bounded(job->body, job->body_len, JSON_DEPTH_MAX, &jerr);
        if (!root) {
            char msg[200];
            snprintf(msg, sizeof msg, "JSON decode error: %s", jerr.text);
            fail_field(job, "body", "json_invalid", msg);
        } else {
            decode_slow(job, root, max_age_us);
            json_decref(root);
        }
    }
    free(job->body);
    job->body = NULL;
}
