/* The record validator (see record_fields.h): each field's type, range and form, named
 * in the error when wrong. It reads only the field table, never JSON itself. */
#include "common/record_fields.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/time_util.h"

#define SF_JSON_MAX_INT 9007199254740991LL /* 2^53 - 1: exact in every JSON reader */
#define SF_RESPONSE_TIME_MAX_MS 86400000.0 /* one day */
#define SF_FUTURE_SLACK_US (24LL * 3600 * 1000000)

static const char *const key_names[SF_KEY_COUNT] = {
    [SF_KEY_ENDPOINT] = "endpoint", [SF_KEY_METHOD] = "method",
    [SF_KEY_STATUS_CODE] = "status_code", [SF_KEY_RESPONSE_TIME_MS] = "response_time_ms",
    [SF_KEY_REQUEST_SIZE_BYTES] = "request_size_bytes",
    [SF_KEY_RESPONSE_SIZE_BYTES] = "response_size_bytes", [SF_KEY_IP_ADDRESS] = "ip_address",
    [SF_KEY_USER_AGENT] = "user_agent", [SF_KEY_TIMESTAMP] = "timestamp",
    [SF_KEY_CLIENT_IP] = "client_ip", [SF_KEY_CLIENT_PORT] = "client_port",
    [SF_KEY_SERVER_IP] = "server_ip", [SF_KEY_SERVER_PORT] = "server_port",
    [SF_KEY_HOST] = "host", [SF_KEY_PATH] = "path", [SF_KEY_QUERY] = "query",
    [SF_KEY_HTTP_VERSION] = "http_version", [SF_KEY_CONTENT_TYPE] = "content_type",
    [SF_KEY_X_FORWARDED_FOR] = "x_forwarded_for", [SF_KEY_TTFB_US] = "ttfb_us",
    [SF_KEY_DURATION_US] = "duration_us", [SF_KEY_REQ_BODY_BYTES] = "req_body_bytes",
    [SF_KEY_RESP_BODY_BYTES] = "resp_body_bytes", [SF_KEY_FLAGS] = "flags",
};

const char *sf_record_key_name(enum sf_record_key k) { return key_names[k]; }

int sf_record_key_find(const char *name, size_t len)
{
    for (int k = 0; k < SF_KEY_COUNT; k++)
        if (key_names[k][0] == name[0] && strlen(key_names[k]) == len &&
            memcmp(key_names[k], name, len) == 0)
            return k;
    return -1;
}

/* One validation: the fields, where errors go, and whether any occurred. */
typedef struct validation {
    const sf_record_fields *f;
    sf_field_errors *errs;
    int failed;
} validation;

static void fail(validation *d, enum sf_record_key k, const char *type, const char *msg)
{
    d->failed = 1;
    sf_field_errors_add(d->errs, key_names[k], type, "%s", msg);
}

static const sf_field_value *field(const validation *d, enum sf_record_key k)
{
    const sf_field_value *v = &d->f->v[k];
    return v->kind == SF_FIELD_ABSENT ? NULL : v;
}

static void get_text(validation *d, enum sf_record_key k, size_t min, size_t max, char **slot)
{
    const sf_field_value *v = field(d, k);
    if (!v) {
        if (min > 0)
            fail(d, k, "missing", "Field required");
        return;
    }
    if (v->kind != SF_FIELD_STRING) {
        fail(d, k, "string_type", "Input should be a valid string");
        return;
    }
    if (memchr(v->text, '\0', v->len)) {
        fail(d, k, "value_error", "String must not contain NUL characters");
        return;
    }
    if (v->len < min) {
        fail(d, k, "string_too_short", "String should have at least 1 character");
        return;
    }
    if (v->len > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "String should have at most %zu characters", max);
        fail(d, k, "string_too_long", msg);
        return;
    }
    if (sf_record_set_text(slot, v->text, v->len))
        fail(d, k, "memory", "Out of memory");
}

static int get_int(validation *d, enum sf_record_key k, int64_t min, int64_t max, int64_t *out)
{
    const sf_field_value *v = field(d, k);
    if (!v)
        return 0;
    if (v->kind != SF_FIELD_INTEGER) {
        fail(d, k, "int_type", "Input should be a valid integer");
        return -1;
    }
    if (v->integer < min || v->integer > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "Input should be between %lld and %lld", (long long)min,
                 (long long)max);
        fail(d, k, v->integer < min ? "greater_than_equal" : "less_than_equal", msg);
        return -1;
    }
    *out = v->integer;
    return 1;
}

static void get_port(validation *d, enum sf_record_key k, int *out)
{
    int64_t n;
    if (get_int(d, k, 0, 65535, &n) == 1)
        *out = (int)n;
}

static void get_ip(validation *d, enum sf_record_key k, char **slot)
{
    char *text = NULL;
    get_text(d, k, 0, SF_ADDR_TEXT_MAX * 2, &text);
    if (!text)
        return;
    char canon[SF_ADDR_TEXT_MAX];
    if (sf_addr_canonical(text, canon))
        fail(d, k, "ip_address", "Input is not a valid IPv4 or IPv6 address");
    else
        sf_record_set_text(slot, canon, strlen(canon));
    free(text);
}

/* RFC 9110 token characters: what a method may contain. */
static int is_token(const char *s)
{
    for (; *s; s++)
        if (!strchr("!#$%&'*+-.^_`|~", *s) && !((*s >= '0' && *s <= '9') ||
                                                 (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
            return 0;
    return 1;
}

static void get_method(validation *d, sf_record *rec)
{
    char *m = NULL;
    const sf_field_value *v = field(d, SF_KEY_METHOD);
    if ((rec->flags & SF_FLAG_NO_REQUEST) && (!v || (v->kind == SF_FIELD_STRING && v->len == 0))) {
        memcpy(rec->method, "-", 2); /* a response whose request was never seen */
        return;
    }
    get_text(d, SF_KEY_METHOD, 1, SF_METHOD_MAX, &m);
    if (!m)
        return;
    if (!is_token(m))
        fail(d, SF_KEY_METHOD, "value_error", "Method must be an HTTP token");
    else
        memcpy(rec->method, m, strlen(m) + 1);
    free(m);
}

static void get_response_time(validation *d, sf_record *rec)
{
    const sf_field_value *v = field(d, SF_KEY_RESPONSE_TIME_MS);
    if (!v) {
        fail(d, SF_KEY_RESPONSE_TIME_MS, "missing", "Field required");
        return;
    }
    if (v->kind != SF_FIELD_INTEGER && v->kind != SF_FIELD_REAL) {
        fail(d, SF_KEY_RESPONSE_TIME_MS, "float_type", "Input should be a valid number");
        return;
    }
    double ms = v->real;
    if (!isfinite(ms) || ms < 0 || ms > SF_RESPONSE_TIME_MAX_MS)
        fail(d, SF_KEY_RESPONSE_TIME_MS, ms < 0 ? "greater_than_equal" : "less_than_equal",
             "Input should be between 0 and 86400000");
    else
        rec->response_time_ms = ms;
}

static void get_timestamp(validation *d, sf_record *rec)
{
    const sf_field_value *v = field(d, SF_KEY_TIMESTAMP);
    if (!v)
        return;
    int64_t us;
    if (v->kind != SF_FIELD_STRING || sf_time_parse(v->text, &us)) {
        fail(d, SF_KEY_TIMESTAMP, "datetime_parsing", "Input should be an RFC 3339 date-time");
        return;
    }
    if (us > sf_now_us() + SF_FUTURE_SLACK_US) {
        fail(d, SF_KEY_TIMESTAMP, "datetime_future", "Timestamp is more than 24 hours in the future");
        return;
    }
    rec->timestamp_us = us;
}

static void get_flags(validation *d, sf_record *rec)
{
    const sf_field_value *v = field(d, SF_KEY_FLAGS);
    if (!v)
        return;
    if (v->kind != SF_FIELD_ARRAY || v->n_items > SF_FIELD_ARRAY_MAX) {
        fail(d, SF_KEY_FLAGS, "list_type", "Input should be a short list of flag names");
        return;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        uint32_t bit = v->item_text[i] ? sf_record_flag_from_name(v->item_text[i]) : 0;
        if (!bit) {
            fail(d, SF_KEY_FLAGS, "enum", "Unknown flag");
            return;
        }
        rec->flags |= bit;
    }
}

static void get_status(validation *d, sf_record *rec)
{
    int64_t n;
    int got = get_int(d, SF_KEY_STATUS_CODE, SF_STATUS_MIN, SF_STATUS_MAX, &n);
    if (got == 1)
        rec->status_code = (int)n;
    else if (got == 0 && !(rec->flags & SF_FLAG_NO_RESPONSE))
        fail(d, SF_KEY_STATUS_CODE, "missing", "Field required");
}

/* A sensor may send path + query without endpoint: endpoint is then derived. */
static void derive_endpoint(validation *d, sf_record *rec)
{
    if (rec->endpoint || !rec->path || d->failed)
        return;
    size_t plen = strlen(rec->path), qlen = rec->query ? strlen(rec->query) : 0;
    if (plen + qlen + 1 > SF_ENDPOINT_MAX) {
        fail(d, SF_KEY_ENDPOINT, "string_too_long", "path and query together exceed 2048 characters");
        return;
    }
    char buf[SF_ENDPOINT_MAX + 2];
    snprintf(buf, sizeof buf, "%s%s%s", rec->path, qlen ? "?" : "", qlen ? rec->query : "");
    sf_record_set_text(&rec->endpoint, buf, strlen(buf));
}

static void get_sensor_fields(validation *d, sf_record *rec)
{
    get_ip(d, SF_KEY_CLIENT_IP, &rec->client_ip);
    get_port(d, SF_KEY_CLIENT_PORT, &rec->client_port);
    get_ip(d, SF_KEY_SERVER_IP, &rec->server_ip);
    get_port(d, SF_KEY_SERVER_PORT, &rec->server_port);
    get_text(d, SF_KEY_HOST, 0, SF_HOST_MAX, &rec->host);
    get_text(d, SF_KEY_HTTP_VERSION, 0, 16, &rec->http_version);
    get_text(d, SF_KEY_CONTENT_TYPE, 0, SF_SHORT_TEXT_MAX, &rec->content_type);
    get_text(d, SF_KEY_X_FORWARDED_FOR, 0, SF_XFF_MAX, &rec->x_forwarded_for);
    get_int(d, SF_KEY_TTFB_US, 0, SF_JSON_MAX_INT, &rec->ttfb_us);
    get_int(d, SF_KEY_DURATION_US, 0, SF_JSON_MAX_INT, &rec->duration_us);
    get_int(d, SF_KEY_REQ_BODY_BYTES, 0, SF_JSON_MAX_INT, &rec->req_body_bytes);
    get_int(d, SF_KEY_RESP_BODY_BYTES, 0, SF_JSON_MAX_INT, &rec->resp_body_bytes);
}

int sf_record_from_fields(const sf_record_fields *fields, sf_record *rec, sf_field_errors *errs)
{
    sf_record_init(rec);
    validation d = {fields, errs, 0};
    get_text(&d, SF_KEY_PATH, 0, SF_ENDPOINT_MAX, &rec->path);
    get_text(&d, SF_KEY_QUERY, 0, SF_QUERY_MAX, &rec->query);
    get_text(&d, SF_KEY_ENDPOINT, rec->path ? 0 : 1, SF_ENDPOINT_MAX, &rec->endpoint);
    get_flags(&d, rec);
    get_method(&d, rec);
    get_status(&d, rec);
    get_response_time(&d, rec);
    get_int(&d, SF_KEY_REQUEST_SIZE_BYTES, 0, SF_JSON_MAX_INT, &rec->request_size_bytes);
    get_int(&d, SF_KEY_RESPONSE_SIZE_BYTES, 0, SF_JSON_MAX_INT, &rec->response_size_bytes);
    get_ip(&d, SF_KEY_IP_ADDRESS, &rec->ip_address);
    get_text(&d, SF_KEY_USER_AGENT, 0, SF_USER_AGENT_MAX, &rec->user_agent);
    get_timestamp(&d, rec);
    get_sensor_fields(&d, rec);
    derive_endpoint(&d, rec);
    if (!rec->method[0] && !d.failed)
        fail(&d, SF_KEY_METHOD, "missing", "Field required");
    if (d.failed) {
        sf_record_clear(rec);
        return -1;
    }
    return 0;
}
