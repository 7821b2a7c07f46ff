/* Transaction -> sf_record. See transaction_record.h. */
#include "sensor/transaction_record.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REDACTED "REDACTED"

/* Dotted quad by hand: inet_ntop formats IPv4 with sprintf, which was a seventh of the
 * sensor's instructions at two addresses per record. */
static void ipv4_text(const uint8_t *a, char *out)
{
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];
        if (v >= 100)
            *out++ = (char)('0' + v / 100);
        if (v >= 10)
            *out++ = (char)('0' + v / 10 % 10);
        *out++ = (char)('0' + v % 10);
        *out++ = i < 3 ? '.' : '\0';
    }
}

static char *hex16(char *out, unsigned v)
{
    static const char digits[] = "0123456789abcdef";
    int shift = 12;
    while (shift > 0 && !(v >> shift))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        *out++ = digits[(v >> shift) & 15];
    return out;
}

/* RFC 5952 text as glibc's inet_ntop writes it (the longest run of two or more zero
 * groups becomes "::", the first of equal runs; ::a.b.c.d and ::ffff:a.b.c.d keep the
 * dotted quad), without its sprintf per group. */
static void ipv6_text(const uint8_t *a, char *out)
{
    unsigned w[8];
    int best = -1, best_len = 0;
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && w[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    if (best_len < 2)
        best = -1;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *out++ = ':';
            i += best_len - 1;
            if (i == 7)
                *out++ = ':';
            continue;
        }
        if (i)
            *out++ = ':';
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
            ipv4_text(a + 12, out);
            return;
        }
        out = hex16(out, w[i]);
    }
    *out = '\0';
}

void sf_flow_addr_text(const sf_flow *f, int side, char *out, size_t size)
{
    if (f->key.family == 4 && size >= 16)
        ipv4_text(f->key.addr[side], out);
    else if (f->key.family == 6 && size >= 46)
        ipv6_text(f->key.addr[side], out);
    else if (!inet_ntop(f->key.family == 4 ? AF_INET : AF_INET6, f->key.addr[side], out, (socklen_t)size))
        snprintf(out, size, "?");
}

/* Bounded copy of a C string (snprintf "%s" without the format interpreter). */
static void copy_text(char *out, size_t size, const char *s)
{
    size_t n = strlen(s);
    if (n >= size)
        n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

static int is_secret(const char *key, size_t len, const sf_record_options *opt)
{
    for (size_t i = 0; opt && i < opt->n_secret_keys; i++)
        if (strlen(opt->secret_keys[i]) == len && strncasecmp(key, opt->secret_keys[i], len) == 0)
            return 1;
    return 0;
}

static size_t put(char *out, size_t size, size_t pos, const char *s, size_t n)
{
    if (pos + n >= size)
        n = pos + 1 < size ? size - pos - 1 : 0;
    memcpy(out + pos, s, n);
    return pos + n;
}

size_t sf_redact_query(const char *query, size_t len, const sf_record_options *opt, char *out,
                       size_t size)
{
    size_t pos = 0;
    const char *p = query, *end = query + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *item_end = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(item_end - p));
        if (eq && is_secret(p, (size_t)(eq - p), opt)) {
            pos = put(out, size, pos, p, (size_t)(eq - p) + 1);
            pos = put(out, size, pos, REDACTED, strlen(REDACTED));
        } else {
            pos = put(out, size, pos, p, (size_t)(item_end - p));
        }
        if (amp)
            pos = put(out, size, pos, "&", 1);
        p = amp ? amp + 1 : end;
    }
    if (size)
        out[pos] = '\0';
    return pos;
}

/* The client address, or the first X-Forwarded-For hop when the client is a trusted proxy. */
static void client_address(const sf_record_options *opt, const char *client, const char *xff,
                           char *out, size_t size)
{
    copy_text(out, size, client);
    if (!xff || !opt)
        return;
    for (size_t i = 0; i < opt->n_trusted_proxies; i++) {
        if (strcmp(opt->trusted_proxies[i], client) != 0)
            continue;
        size_t n = strcspn(xff, ", ");
        unsigned char buf[16];
        char hop[64];
        snprintf(hop, sizeof hop, "%.*s", (int)(n < 63 ? n : 63), xff);
        if (inet_pton(AF_INET, hop, buf) == 1 || inet_pton(AF_INET6, hop, buf) == 1)
            snprintf(out, size, "%s", hop);
        return;
    }
}

/* Endpoint, path and query (redacted) into text; the record points at them. */
static void set_url(const sf_txn *t, const sf_record_options *opt, sf_record *rec,
                    sf_record_text *text)
{
    char *url = t->field[SF_FIELD_URL] ? t->field[SF_FIELD_URL] : "";
    size_t len = strlen(url);
    const char *q = memchr(url, '?', len);
    size_t path_len = q ? (size_t)(q - url) : len;
    size_t qlen = q ? sf_redact_query(q + 1, len - path_len - 1, opt, text->query, sizeof text->query) : 0;
    size_t elen = put(text->endpoint, sizeof text->endpoint, 0, url, path_len);
    if (q) {
        elen = put(text->endpoint, sizeof text->endpoint, elen, "?", 1);
        elen = put(text->endpoint, sizeof text->endpoint, elen, text->query, qlen);
    }
    text->endpoint[elen] = '\0';
    if (path_len + (q ? 1 + qlen : 0) > SF_ENDPOINT_MAX)
        rec->flags |= SF_FLAG_URL_TRUNCATED;   /* cut at the endpoint limit */
    rec->endpoint = text->endpoint;
    if (!q && path_len <= SF_ENDPOINT_MAX) {
        rec->path = url;           /* the whole URL is the path: no copy */
    } else {
        size_t n = put(text->path, sizeof text->path, 0, url, path_len);
        text->path[n] = '\0';
        rec->path = text->path;
    }
    rec->query = q ? text->query : NULL;
}

static void set_times(const sf_txn *t, sf_record *rec, sf_txn_times *times)
{
    bool have_resp = t->resp_last_us != 0;
    times->req_first_us = t->have_request ? t->req_first_us : 0;
    times->req_last_us = t->have_request ? t->req_last_us : 0;
    times->resp_first_us = t->resp_first_us;
    times->resp_last_us = t->resp_last_us;
    rec->timestamp_us = t->have_request ? t->req_first_us : t->resp_first_us;
    if (t->have_request && have_resp) {
        /* No end of request known (its last bytes missing, or the answer came first):
         * no server time either. */
        if (t->req_done && t->req_last_us) {
            rec->ttfb_us = t->resp_first_us - t->req_last_us;
            if (rec->ttfb_us < 0)
                rec->ttfb_us = 0;    /* early answer, before the request ended */
        }
        rec->duration_us = t->resp_last_us - t->req_first_us;
        if (rec->duration_us < 0)
            rec->duration_us = 0;
        rec->response_time_ms = (double)rec->duration_us / 1000.0;
    } else {
        rec->response_time_ms = 0;
    }
}

int sf_txn_to_record(const sf_txn *t, const sf_flow *f, const sf_record_options *opt,
                     sf_record *rec, sf_txn_times *times, sf_record_text *text)
{
    int client = f->client == SF_SIDE_UNKNOWN ? 0 : f->client;
    sf_flow_addr_text(f, client, text->caddr, sizeof text->caddr);
    sf_flow_addr_text(f, !client, text->saddr, sizeof text->saddr);
    client_address(opt, text->caddr, t->field[SF_FIELD_XFF], text->ipaddr, sizeof text->ipaddr);
    if (t->have_request)
        copy_text(rec->method, sizeof rec->method,
                  t->field[SF_FIELD_METHOD] ? t->field[SF_FIELD_METHOD]
                                            : llhttp_method_name((llhttp_method_t)t->method));
    rec->status_code = t->status;
    rec->request_size_bytes = t->have_request ? (int64_t)t->req_bytes : SF_ABSENT;
    rec->response_size_bytes = t->resp_last_us ? (int64_t)t->resp_bytes : SF_ABSENT;
    rec->req_body_bytes = t->have_request ? (int64_t)t->req_body : SF_ABSENT;
    rec->resp_body_bytes = t->resp_last_us ? (int64_t)t->resp_body : SF_ABSENT;
    rec->client_port = f->key.port[client];
    rec->server_port = f->key.port[!client];
    rec->flags = t->flags | (f->midstream ? SF_FLAG_MIDSTREAM : 0);
    set_times(t, rec, times);
    if (t->http_major < 10 && t->http_minor < 10) { /* always, in practice */
        text->version[0] = (char)('0' + t->http_major);
        text->version[1] = '.';
        text->version[2] = (char)('0' + t->http_minor);
        text->version[3] = '\0';
    } else {
        snprintf(text->version, sizeof text->version, "%u.%u", t->http_major, t->http_minor);
    }
    set_url(t, opt, rec, text);
    rec->client_ip = text->caddr;
    rec->server_ip = text->saddr;
    rec->ip_address = text->ipaddr;
    rec->host = t->field[SF_FIELD_HOST];
    rec->user_agent = t->field[SF_FIELD_USER_AGENT];
    rec->x_forwarded_for = t->field[SF_FIELD_XFF];
    rec->content_type = t->resp_content_type ? t->resp_content_type : t->field[SF_FIELD_CONTENT_TYPE];
    rec->http_version = t->http_major ? text->version : NULL;
    return 0;
}
