/* JSON codec for the transaction record on Jansson: decoding hands the object's values to
 * the shared validator (record_fields.c); encoding makes the batch-record shape of api.md. */
#include "common/record_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/record_fields.h"
#include "common/time_util.h"


void sf_field_errors_add(sf_field_errors *errs, const char *field, const char *type,
                         const char *fmt, ...)
{
    if (!errs || errs->count >= SF_FIELD_ERRORS_MAX)
        return;
    sf_field_error *e = &errs->items[errs->count++];
    snprintf(e->field, sizeof e->field, "%s", field);
    snprintf(e->type, sizeof e->type, "%s", type);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

/* One JSON value as the validator sees it. */
static void to_field(const json_t *v, sf_field_value *out)
{
    memset(out, 0, sizeof *out);
    if (!v || json_is_null(v)) {
        out->kind = SF_FIELD_ABSENT;
    } else if (json_is_string(v)) {
        out->kind = SF_FIELD_STRING;
        out->text = json_string_value(v);
        out->len = json_string_length(v);
    } else if (json_is_integer(v)) {
        out->kind = SF_FIELD_INTEGER;
        out->integer = json_integer_value(v);
        out->real = (double)out->integer;
    } else if (json_is_real(v)) {
        out->kind = SF_FIELD_REAL;
        out->real = json_real_value(v);
    } else if (json_is_array(v)) {
        out->kind = SF_FIELD_ARRAY;
        out->n_items = json_array_size(v);
        for (size_t i = 0; i < out->n_items && i < SF_FIELD_ARRAY_MAX; i++) {
            const json_t *item = json_array_get(v, i);
            out->item_text[i] = json_is_string(item) ? json_string_value(item) : NULL;
        }
    } else {
        out->kind = SF_FIELD_OTHER;
    }
}

int sf_record_from_json(const json_t *obj, sf_record *rec, sf_field_errors *errs)
{
    if (!json_is_object(obj)) {
        sf_record_init(rec);
        sf_field_errors_add(errs, "body", "model_attributes_type", "Input should be a JSON object");
        return -1;
    }
    sf_record_fields fields;
    for (int k = 0; k < SF_KEY_COUNT; k++)
        to_field(json_object_get(obj, sf_record_key_name(k)), &fields.v[k]);
    return sf_record_from_fields(&fields, rec, errs);
}

/* Refuses input nested deeper than max_depth before Jansson builds it (Jansson's own
 * limit is 2048 levels, enough to spend real stack and memory on a hostile body). */
static int nesting_within(const char *text, size_t len, int max_depth)
{
    int depth = 0, in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                return 0;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return 1;
}

json_t *sf_json_load_bounded(const char *text, size_t len, int max_depth, json_error_t *err)
{
    if (!nesting_within(text, len, max_depth)) {
        if (err) {
            memset(err, 0, sizeof *err);
            snprintf(err->text, sizeof err->text, "JSON nested deeper than %d levels", max_depth);
        }
        return NULL;
    }
    json_error_t local;
    return json_loadb(text, len, JSON_REJECT_DUPLICATES, err ? err : &local);
}

int sf_record_from_text(const char *text, size_t len, sf_record *rec, sf_field_errors *errs)
{
    json_error_t jerr;
    sf_record_init(rec);
    json_t *obj = sf_json_load_bounded(text, len, 32, &jerr);
    if (!obj) {
        sf_field_errors_add(errs, "body", "json_invalid", "JSON decode error: %s", jerr.text);
        return -1;
    }
    int rc = sf_record_from_json(obj, rec, errs);
    json_decref(obj);
    return rc;
}

static void put_text(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, json_string(v));
}

static void put_int(json_t *o, const char *key, int64_t v)
{
    if (v != SF_ABSENT)
        json_object_set_new(o, key, json_integer(v));
}

json_t *sf_record_to_json(const sf_record *rec)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    put_text(o, "endpoint", rec->endpoint);
    put_text(o, "method", rec->method);
    if (rec->status_code)
        json_object_set_new(o, "status_code", json_integer(rec->status_code));
    json_object_set_new(o, "response_time_ms", json_real(rec->response_time_ms));
    put_int(o, "request_size_bytes", rec->request_size_bytes);
    put_int(o, "response_size_bytes", rec->response_size_bytes);
    put_text(o, "ip_address", rec->ip_address);
    put_text(o, "user_agent", rec->user_agent);
    if (rec->timestamp_us != SF_ABSENT) {
        char ts[SF_RFC3339_LEN];
        json_object_set_new(o, "timestamp", json_string(sf_time_format(rec->timestamp_us, ts, sizeof ts)));
    }
    put_text(o, "client_ip", rec->client_ip);
    put_int(o, "client_port", rec->client_port);
    put_text(o, "server_ip", rec->server_ip);
    put_int(o, "server_port", rec->server_port);
    put_text(o, "host", rec->host);
    put_text(o, "path", rec->path);
    put_text(o, "query", rec->query);
    put_text(o, "http_version", rec->http_version);
    put_text(o, "content_type", rec->content_type);
    put_text(o, "x_forwarded_for", rec->x_forwarded_for);
    put_int(o, "ttfb_us", rec->ttfb_us);
    put_int(o, "duration_us", rec->duration_us);
    put_int(o, "req_body_bytes", rec->req_body_bytes);
    put_int(o, "resp_body_bytes", rec->resp_body_bytes);
    if (rec->flags) {
        json_t *flags = json_array();
        for (unsigned i = 0; i < SF_FLAG_COUNT; i++)
            if (rec->flags & (1u << i))
                json_array_append_new(flags, json_string(sf_record_flag_name(i)));
        json_object_set_new(o, "flags", flags);
    }
    return o;
}
