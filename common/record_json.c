/* JSON codec for the transaction record: decode + validate (naming each bad field and
 * why) and encode to the batch-record shape of api.md. */
#include "common/record_json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/time_util.h"

#define SF_JSON_MAX_INT 9007199254740991LL /* 2^53 - 1: exact in every JSON reader */
#define SF_RESPONSE_TIME_MAX_MS 86400000.0 /* one day */
#define SF_FUTURE_SLACK_US (24LL * 3600 * 1000000)

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

/* A validation step: the JSON object, where errors go, and whether any occurred. */
typedef struct decoder {
    const json_t *obj;
    sf_field_errors *errs;
    int failed;
} decoder;

static void fail(decoder *d, const char *field, const char *type, const char *msg)
{
    d->failed = 1;
    sf_field_errors_add(d->errs, field, type, "%s", msg);
}

/* Looks up key; returns NULL for absent or null (both mean "not given"). */
static const json_t *field(const decoder *d, const char *key)
{
    const json_t *v = json_object_get(d->obj, key);
    return (v && !json_is_null(v)) ? v : NULL;
}

static void get_text(decoder *d, const char *key, size_t min, size_t max, char **slot)
{
    const json_t *v = field(d, key);
    if (!v) {
        if (min > 0)
            fail(d, key, "missing", "Field required");
        return;
    }
    if (!json_is_string(v)) {
        fail(d, key, "string_type", "Input should be a valid string");
        return;
    }
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (memchr(s, '\0', len)) {
        fail(d, key, "value_error", "String must not contain NUL characters");
        return;
    }
    if (len < min) {
        fail(d, key, "string_too_short", "String should have at least 1 character");
        return;
    }
    if (len > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "String should have at most %zu characters", max);
        fail(d, key, "string_too_long", msg);
        return;
    }
    if (sf_record_set_text(slot, s, len))
        fail(d, key, "memory", "Out of memory");
}

static int get_int(decoder *d, const char *key, int64_t min, int64_t max, int64_t *out)
{
    const json_t *v = field(d, key);
    if (!v)
        return 0;
    if (!json_is_integer(v)) {
        fail(d, key, "int_type", "Input should be a valid integer");
        return -1;
    }
    json_int_t n = json_integer_value(v);
    if (n < min || n > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "Input should be between %lld and %lld", (long long)min,
                 (long long)max);
        fail(d, key, n < min ? "greater_than_equal" : "less_than_equal", msg);
        return -1;
    }
    *out = n;
    return 1;
}

static void get_port(decoder *d, const char *key, int *out)
{
    int64_t n;
    if (get_int(d, key, 0, 65535, &n) == 1)
        *out = (int)n;
}

static void get_ip(decoder *d, const char *key, char **slot)
{
    char *text = NULL;
    get_text(d, key, 0, SF_ADDR_TEXT_MAX * 2, &text);
    if (!text)
        return;
    char canon[SF_ADDR_TEXT_MAX];
    if (sf_addr_canonical(text, canon))
        fail(d, key, "ip_address", "Input is not a valid IPv4 or IPv6 address");
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

static void get_method(decoder *d, sf_record *rec)
{
    char *m = NULL;
    const json_t *v = field(d, "method");
    if ((rec->flags & SF_FLAG_NO_REQUEST) &&
        (!v || (json_is_string(v) && json_string_length(v) == 0))) {
        memcpy(rec->method, "-", 2); /* a response whose request was never seen */
        return;
    }
    get_text(d, "method", 1, SF_METHOD_MAX, &m);
    if (!m)
        return;
    if (!is_token(m))
        fail(d, "method", "value_error", "Method must be an HTTP token");
    else
        memcpy(rec->method, m, strlen(m) + 1);
    free(m);
}

static void get_response_time(decoder *d, sf_record *rec)
{
    const json_t *v = field(d, "response_time_ms");
    if (!v) {
        fail(d, "response_time_ms", "missing", "Field required");
        return;
    }
    if (!json_is_number(v)) {
        fail(d, "response_time_ms", "float_type", "Input should be a valid number");
        return;
    }
    double ms = json_number_value(v);
    if (!isfinite(ms) || ms < 0 || ms > SF_RESPONSE_TIME_MAX_MS)
        fail(d, "response_time_ms", ms < 0 ? "greater_than_equal" : "less_than_equal",
             "Input should be between 0 and 86400000");
    else
        rec->response_time_ms = ms;
}

static void get_timestamp(decoder *d, sf_record *rec)
{
    const json_t *v = field(d, "timestamp");
    if (!v)
        return;
    int64_t us;
    if (!json_is_string(v) || sf_time_parse(json_string_value(v), &us)) {
        fail(d, "timestamp", "datetime_parsing", "Input should be an RFC 3339 date-time");
        return;
    }
    if (us > sf_now_us() + SF_FUTURE_SLACK_US) {
        fail(d, "timestamp", "datetime_future", "Timestamp is more than 24 hours in the future");
        return;
    }
    rec->timestamp_us = us;
}

static void get_flags(decoder *d, sf_record *rec)
{
    const json_t *v = field(d, "flags");
    if (!v)
        return;
    if (!json_is_array(v) || json_array_size(v) > SF_FLAG_COUNT * 2) {
        fail(d, "flags", "list_type", "Input should be a short list of flag names");
        return;
    }
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item) {
        uint32_t bit = json_is_string(item) ? sf_record_flag_from_name(json_string_value(item)) : 0;
        if (!bit) {
            fail(d, "flags", "enum", "Unknown flag");
            return;
        }
        rec->flags |= bit;
    }
}

static void get_status(decoder *d, sf_record *rec)
{
    int64_t n;
    int got = get_int(d, "status_code", SF_STATUS_MIN, SF_STATUS_MAX, &n);
    if (got == 1)
        rec->status_code = (int)n;
    else if (got == 0 && !(rec->flags & SF_FLAG_NO_RESPONSE))
        fail(d, "status_code", "missing", "Field required");
}

/* A sensor may send path + query without endpoint: endpoint is then derived. */
static void derive_endpoint(decoder *d, sf_record *rec)
{
    if (rec->endpoint || !rec->path || d->failed)
        return;
    size_t plen = strlen(rec->path), qlen = rec->query ? strlen(rec->query) : 0;
    if (plen + qlen + 1 > SF_ENDPOINT_MAX) {
        fail(d, "endpoint", "string_too_long", "path and query together exceed 2048 characters");
        return;
    }
    char buf[SF_ENDPOINT_MAX + 2];
    snprintf(buf, sizeof buf, "%s%s%s", rec->path, qlen ? "?" : "", qlen ? rec->query : "");
    sf_record_set_text(&rec->endpoint, buf, strlen(buf));
}

int sf_record_from_json(const json_t *obj, sf_record *rec, sf_field_errors *errs)
{
    sf_record_init(rec);
    decoder d = {obj, errs, 0};
    if (!json_is_object(obj)) {
        fail(&d, "body", "model_attributes_type", "Input should be a JSON object");
        return -1;
    }
    get_text(&d, "path", 0, SF_ENDPOINT_MAX, &rec->path);
    get_text(&d, "query", 0, SF_QUERY_MAX, &rec->query);
    get_text(&d, "endpoint", rec->path ? 0 : 1, SF_ENDPOINT_MAX, &rec->endpoint);
    get_flags(&d, rec);
    get_method(&d, rec);
    get_status(&d, rec);
    get_response_time(&d, rec);
    get_int(&d, "request_size_bytes", 0, SF_JSON_MAX_INT, &rec->request_size_bytes);
    get_int(&d, "response_size_bytes", 0, SF_JSON_MAX_INT, &rec->response_size_bytes);
    get_ip(&d, "ip_address", &rec->ip_address);
    get_text(&d, "user_agent", 0, SF_USER_AGENT_MAX, &rec->user_agent);
    get_timestamp(&d, rec);
    get_ip(&d, "client_ip", &rec->client_ip);
    get_port(&d, "client_port", &rec->client_port);
    get_ip(&d, "server_ip", &rec->server_ip);
    get_port(&d, "server_port", &rec->server_port);
    get_text(&d, "host", 0, SF_HOST_MAX, &rec->host);
    get_text(&d, "http_version", 0, 16, &rec->http_version);
    get_text(&d, "content_type", 0, SF_SHORT_TEXT_MAX, &rec->content_type);
    get_text(&d, "x_forwarded_for", 0, SF_XFF_MAX, &rec->x_forwarded_for);
    get_int(&d, "ttfb_us", 0, SF_JSON_MAX_INT, &rec->ttfb_us);
    get_int(&d, "duration_us", 0, SF_JSON_MAX_INT, &rec->duration_us);
    get_int(&d, "req_body_bytes", 0, SF_JSON_MAX_INT, &rec->req_body_bytes);
    get_int(&d, "resp_body_bytes", 0, SF_JSON_MAX_INT, &rec->resp_body_bytes);
    derive_endpoint(&d, rec);
    if (!rec->method[0] && !d.failed)
        fail(&d, "method", "missing", "Field required");
    if (d.failed) {
        sf_record_clear(rec);
        return -1;
    }
    return 0;
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
