/* JSON codec for the transaction record (Jansson). Decoding validates every field and
 * reports each problem by field name and reason; these become the collector's 422
 * details ({"type","loc":["body",field],"msg"}). Encoding produces the batch-record
 * shape of api.md, which the sensor uploads and the collector accepts. */
#ifndef SF_RECORD_JSON_H
#define SF_RECORD_JSON_H

#include <jansson.h>
#include "common/record.h"

#define SF_FIELD_ERRORS_MAX 16

typedef struct sf_field_error {
    char field[48];  /* e.g. "status_code", "records.3.method" */
    char type[32];   /* machine-readable kind: "missing", "int_type", "too_long", ... */
    char msg[160];   /* human-readable reason */
} sf_field_error;

typedef struct sf_field_errors {
    int count;       /* how many were recorded (at most SF_FIELD_ERRORS_MAX) */
    sf_field_error items[SF_FIELD_ERRORS_MAX];
} sf_field_errors;

void sf_field_errors_add(sf_field_errors *errs, const char *field, const char *type,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Decodes and validates one record object. Returns 0 when valid; otherwise -1 with errs
 * filled (rec is then cleared). Unknown keys are ignored, as api.md allows extra fields. */
int sf_record_from_json(const json_t *obj, sf_record *rec, sf_field_errors *errs);

/* Parses text (not necessarily NUL-terminated) into a record; a JSON syntax error or a
 * non-object is reported as field "body". Nesting deeper than 32 levels is refused. */
int sf_record_from_text(const char *text, size_t len, sf_record *rec, sf_field_errors *errs);

/* Encodes rec in the batch-record shape; absent fields are omitted. NULL on OOM. */
json_t *sf_record_to_json(const sf_record *rec);

/* Loads JSON text with a nesting limit (Jansson itself allows 2048 levels).
 * Returns NULL and fills err (if given) on syntax errors or excessive depth. */
json_t *sf_json_load_bounded(const char *text, size_t len, int max_depth, json_error_t *err);

#endif
