/* The record's fields as a decoder found them, before validation. Two decoders fill this
 * table — the Jansson one (record_json.c) and the one-pass scanner (record_scan.c) — and
 * one validator (record_fields.c) turns it into an sf_record, so both decoders accept
 * and refuse exactly the same records with exactly the same 422 details. */
#ifndef SF_RECORD_FIELDS_H
#define SF_RECORD_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "common/record.h"
#include "common/record_json.h"

/* Every key the validator reads; other keys are ignored (api.md allows extra fields). */
enum sf_record_key {
    SF_KEY_ENDPOINT, SF_KEY_METHOD, SF_KEY_STATUS_CODE, SF_KEY_RESPONSE_TIME_MS,
    SF_KEY_REQUEST_SIZE_BYTES, SF_KEY_RESPONSE_SIZE_BYTES, SF_KEY_IP_ADDRESS, SF_KEY_USER_AGENT,
    SF_KEY_TIMESTAMP, SF_KEY_CLIENT_IP, SF_KEY_CLIENT_PORT, SF_KEY_SERVER_IP, SF_KEY_SERVER_PORT,
    SF_KEY_HOST, SF_KEY_PATH, SF_KEY_QUERY, SF_KEY_HTTP_VERSION, SF_KEY_CONTENT_TYPE,
    SF_KEY_X_FORWARDED_FOR, SF_KEY_TTFB_US, SF_KEY_DURATION_US, SF_KEY_REQ_BODY_BYTES,
    SF_KEY_RESP_BODY_BYTES, SF_KEY_FLAGS,
    SF_KEY_COUNT
};

/* What a value was. JSON null counts as absent ("not given"), as in the reference. */
typedef enum sf_field_kind {
    SF_FIELD_ABSENT = 0,
    SF_FIELD_STRING,
    SF_FIELD_INTEGER,  /* a number without fraction or exponent */
    SF_FIELD_REAL,
    SF_FIELD_ARRAY,
    SF_FIELD_OTHER,    /* true, false, an object */
} sf_field_kind;

/* Arrays (only "flags" is one) are validated only up to this many items: a longer one is
 * refused whole, so later items never matter. */
#define SF_FIELD_ARRAY_MAX (SF_FLAG_COUNT * 2)

typedef struct sf_field_value {
    sf_field_kind kind;
    const char *text;  /* STRING: NUL-terminated; may hold NULs before len */
    size_t len;
    int64_t integer;   /* INTEGER */
    double real;       /* REAL, and INTEGER as a double */
    size_t n_items;    /* ARRAY: item count; item_text[i] is NULL for a non-string item */
    const char *item_text[SF_FIELD_ARRAY_MAX];
} sf_field_value;

typedef struct sf_record_fields {
    sf_field_value v[SF_KEY_COUNT];
} sf_record_fields;

/* The JSON key of k, and the key for a name (-1 if the validator does not read it). */
const char *sf_record_key_name(enum sf_record_key k);
int sf_record_key_find(const char *name, size_t len);

/* Validates fields into rec. Returns 0, or -1 with errs filled and rec cleared. */
int sf_record_from_fields(const sf_record_fields *fields, sf_record *rec, sf_field_errors *errs);

#endif
