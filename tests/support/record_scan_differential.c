/* The scanner-versus-Jansson differential check (see record_scan_differential.h). */
#include "record_scan_differential.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/record_json.h"
#include "common/record_scan.h"

#define CHECK_RECORDS_MAX 10000

typedef struct scanned {
    sf_record rec;
    int valid;
    sf_field_errors errs;
} scanned;

typedef struct scanned_list {
    scanned *items;
    size_t n, cap;
} scanned_list;

static int same_errors(const sf_field_errors *a, const sf_field_errors *b)
{
    if (a->count != b->count)
        return 0;
    for (int i = 0; i < a->count; i++)
        if (strcmp(a->items[i].field, b->items[i].field) || strcmp(a->items[i].type, b->items[i].type) ||
            strcmp(a->items[i].msg, b->items[i].msg))
            return 0;
    return 1;
}

/* Compares one fast-path outcome with Jansson's for the same record value. */
static int agree(const json_t *value, const sf_record *rec, int valid, const sf_field_errors *errs)
{
    sf_record slow;
    sf_field_errors slow_errs = {0};
    int slow_valid = sf_record_from_json(value, &slow, &slow_errs) == 0;
    int same = slow_valid == valid &&
               (valid ? sf_record_equal(rec, &slow) : same_errors(errs, &slow_errs));
    sf_record_clear(&slow);
    return same;
}

static int check_single(const char *text, size_t len, sf_scan_outcome *out, char *why, size_t n)
{
    sf_record rec;
    sf_field_errors errs = {0};
    int valid = 0, rc = sf_record_scan_one(text, len, &rec, &valid, &errs);
    out->single_fast = rc == 0;
    if (rc != 0)
        return 0;
    json_t *root = sf_json_load_bounded(text, len, 32, NULL);
    int ok = root && agree(root, &rec, valid, &errs);
    if (!ok)
        snprintf(why, n, root ? "single record: decoders disagree" : "single: Jansson refused the text");
    json_decref(root);
    sf_record_clear(&rec);
    return ok ? 0 : -1;
}

static int collect(void *arg, size_t index, sf_record *rec, int valid, const sf_field_errors *errs)
{
    scanned_list *list = arg;
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 4;
        scanned *items = realloc(list->items, cap * sizeof *items);
        if (items) {
            list->items = items;
            list->cap = cap;
        }
    }
    if (index != list->n || list->n == list->cap) {
        sf_record_clear(rec);
        return -1;
    }
    scanned *s = &list->items[list->n++];
    s->rec = *rec;
    s->valid = valid;
    s->errs = *errs;
    return 0;
}

static int same_id(const json_t *root, const char *key, const char *fast)
{
    const char *slow = json_string_value(json_object_get(root, key));
    return slow && strcmp(slow, fast) == 0;
}

static int batch_agrees(const json_t *root, const sf_batch_scan *scan, const scanned_list *list,
                        char *why, size_t n)
{
    const json_t *records = json_object_get(root, "records");
    if (!same_id(root, "sensor_id", scan->sensor_id) || !same_id(root, "batch_id", scan->batch_id)) {
        snprintf(why, n, "batch: ids differ");
        return 0;
    }
    if (json_array_size(records) != list->n) {
        snprintf(why, n, "batch: %zu records against Jansson's %zu", list->n, json_array_size(records));
        return 0;
    }
    for (size_t i = 0; i < list->n; i++)
        if (!agree(json_array_get(records, i), &list->items[i].rec, list->items[i].valid,
                   &list->items[i].errs)) {
            snprintf(why, n, "batch record %zu: decoders disagree", i);
            return 0;
        }
    return 1;
}

static int check_batch(const char *text, size_t len, sf_scan_outcome *out, char *why, size_t n)
{
    scanned_list list = {NULL, 0, 0};
    sf_batch_scan scan = {.max_records = CHECK_RECORDS_MAX, .on_record = collect, .arg = &list};
    int rc = sf_record_scan_batch(text, len, &scan), ok = 1;
    out->batch_fast = rc == 0;
    out->records = list.n;
    if (rc == 0) {
        json_t *root = sf_json_load_bounded(text, len, 32, NULL);
        ok = root ? batch_agrees(root, &scan, &list, why, n) : 0;
        if (!root)
            snprintf(why, n, "batch: Jansson refused the text");
        json_decref(root);
    }
    for (size_t i = 0; i < list.n; i++)
        sf_record_clear(&list.items[i].rec);
    free(list.items);
    return ok ? 0 : -1;
}

int sf_record_scan_check(const char *text, size_t len, sf_scan_outcome *outcome, char *why,
                         size_t why_size)
{
    sf_scan_outcome local;
    sf_scan_outcome *out = outcome ? outcome : &local;
    memset(out, 0, sizeof *out);
    if (check_single(text, len, out, why, why_size))
        return -1;
    return check_batch(text, len, out, why, why_size);
}
