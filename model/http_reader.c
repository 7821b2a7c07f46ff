/* Raw HTTP request files (see http_reader.h). */
#include "model/http_reader.h"
#include "model/line_cursor.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct http_state {
    sf_line_cursor lines;
    sf_http_limits limits;
} http_state;

typedef struct line_view {
    const char *p;
    size_t len;
} line_view;

static int next_line(http_state *s, line_view *line)
{
    return sf_line_next(&s->lines, &line->p, &line->len);
}

static int set_text(char **slot, const char *p, size_t len)
{
    return sf_record_set_text(slot, p, len);
}

/* "GET http://host:8080/a/b?x=1 HTTP/1.1" */
static int parse_request_line(sf_http_request *req, line_view l, char *err, size_t err_size,
                              size_t line_no)
{
    const char *sp1 = memchr(l.p, ' ', l.len);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', l.len - (size_t)(sp1 + 1 - l.p)) : NULL;
    size_t method_len = sp1 ? (size_t)(sp1 - l.p) : 0;
    int ok = sp2 && method_len >= 1 && method_len <= SF_METHOD_MAX && sp2 > sp1 + 1 &&
             l.len - (size_t)(sp2 + 1 - l.p) >= 5 && memcmp(sp2 + 1, "HTTP/", 5) == 0;
    for (size_t i = 0; ok && i < method_len; i++)
        ok = isupper((unsigned char)l.p[i]) || l.p[i] == '-' || l.p[i] == '_';
    if (!ok) {
        snprintf(err, err_size, "line %zu: not an HTTP request line: '%.60s'", line_no,
                 l.len ? l.p : "");
        return -1;
    }
    memcpy(req->rec.method, l.p, method_len);
    req->rec.method[method_len] = '\0';
    const char *target = sp1 + 1;
    size_t target_len = (size_t)(sp2 - target);
    /* Absolute form: drop scheme and authority. */
    const char *scheme = memmem(target, target_len, "://", 3);
    if (scheme && memchr(target, '/', (size_t)(scheme - target)) == NULL) {
        const char *after = scheme + 3;
        while (after < sp2 && *after != '/' && *after != '?')
            after++;
        target_len -= (size_t)(after - target);
        target = after;
    }
    const char *q = memchr(target, '?', target_len);
    size_t path_len = q ? (size_t)(q - target) : target_len;
    const char *version = sp2 + 1;
    size_t version_len = l.len - (size_t)(version - l.p);
    if ((target_len == 0 ? set_text(&req->rec.endpoint, "/", 1)
                         : set_text(&req->rec.endpoint, target, target_len)) < 0 ||
        set_text(&req->rec.path, target_len ? target : "/", target_len ? path_len : 1) < 0 ||
        (q && set_text(&req->rec.query, q + 1, target_len - path_len - 1) < 0) ||
        set_text(&req->rec.http_version, version,
                 version_len > SF_SHORT_TEXT_MAX ? SF_SHORT_TEXT_MAX : version_len) < 0) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    return 0;
}

static int header_is(line_view l, size_t colon, const char *name)
{
    return colon == strlen(name) && strncasecmp(l.p, name, colon) == 0;
}

/* Stores the headers the record has fields for; returns the Content-Length (0 if none),
 * or -1 for a bad one. */
static long long parse_header(sf_http_request *req, line_view l, size_t colon)
{
    const char *v = l.p + colon + 1;
    size_t vlen = l.len - colon - 1;
    while (vlen > 0 && (*v == ' ' || *v == '\t'))
        v++, vlen--;
    if (header_is(l, colon, "host"))
        set_text(&req->rec.host, v, vlen > SF_HOST_MAX ? SF_HOST_MAX : vlen);
    else if (header_is(l, colon, "user-agent"))
        set_text(&req->rec.user_agent, v, vlen > SF_USER_AGENT_MAX ? SF_USER_AGENT_MAX : vlen);
    else if (header_is(l, colon, "content-type"))
        set_text(&req->rec.content_type, v,
                 vlen > SF_SHORT_TEXT_MAX ? SF_SHORT_TEXT_MAX : vlen);
    else if (header_is(l, colon, "content-length")) {
        long long n = 0;
        if (vlen == 0 || vlen > 12)
            return -1;
        for (size_t i = 0; i < vlen; i++) {
            if (!isdigit((unsigned char)v[i]))
                return -1;
            n = n * 10 + (v[i] - '0');
        }
        return n;
    }
    return 0;
}

static int parse_headers(http_state *s, sf_http_request *req, long long *content_length,
                         char *err, size_t err_size)
{
    line_view l;
    int got;
    *content_length = 0;
    while ((got = next_line(s, &l)) > 0 && l.len > 0) {
        const char *colon = memchr(l.p, ':', l.len);
        if (!colon || colon == l.p) {
            snprintf(err, err_size, "line %zu: malformed header (no name or colon)",
                     s->lines.line_no);
            return -1;
        }
        if (++req->header_count > s->limits.max_headers) {
            snprintf(err, err_size, "line %zu: more than %zu headers", s->lines.line_no,
                     s->limits.max_headers);
            return -1;
        }
        long long n = parse_header(req, l, (size_t)(colon - l.p));
        if (n < 0) {
            snprintf(err, err_size, "line %zu: bad Content-Length", s->lines.line_no);
            return -1;
        }
        if (n > 0)
            *content_length = n;
    }
    if (got < 0)
        snprintf(err, err_size, "line %zu: longer than %zu bytes", s->lines.line_no,
                 s->limits.max_line);
    else if (got == 0)
        snprintf(err, err_size, "request at line %zu: truncated (input ends inside the headers)",
                 req->line);
    return got > 0 ? 0 : -1;
}

static int take_body(http_state *s, sf_http_request *req, long long content_length, char *err,
                     size_t err_size)
{
    if ((unsigned long long)content_length > s->limits.max_body) {
        snprintf(err, err_size, "request at line %zu: body of %lld bytes exceeds the %zu limit",
                 req->line, content_length, s->limits.max_body);
        return -1;
    }
    size_t want = (size_t)content_length;
    if (want > s->lines.len - s->lines.pos) {
        snprintf(err, err_size,
                 "request at line %zu: truncated body (Content-Length %zu, %zu bytes left)",
                 req->line, want, s->lines.len - s->lines.pos);
        return -1;
    }
    req->body = s->lines.text + s->lines.pos;
    req->body_len = want;
    for (size_t i = 0; i < want; i++)
        s->lines.line_no += req->body[i] == '\n';
    s->lines.pos += want;
    req->rec.request_size_bytes = req->rec.req_body_bytes = (int64_t)want;
    return 0;
}

/* Parses one request whose request line is l. */
static int parse_one(http_state *s, line_view l, sf_http_request *req, char *err,
                     size_t err_size)
{
    long long content_length;
    sf_record_init(&req->rec);
    req->body = "";
    req->body_len = 0;
    req->header_count = 0;
    req->line = s->lines.line_no;
    req->rec.request_size_bytes = req->rec.req_body_bytes = 0;
    if (parse_request_line(req, l, err, err_size, s->lines.line_no) < 0 ||
        parse_headers(s, req, &content_length, err, err_size) < 0 ||
        take_body(s, req, content_length, err, err_size) < 0) {
        sf_record_clear(&req->rec);
        return -1;
    }
    return 0;
}

long sf_http_parse_requests(const char *text, size_t len, const sf_http_limits *limits,
                            sf_http_request_fn on_request, void *ctx, char *err,
                            size_t err_size)
{
    http_state s = {.lines = {.text = text, .len = len},
                    .limits = {64 * 1024, 100, 1024 * 1024}};
    if (limits)
        s.limits = *limits;
    s.lines.max_line = s.limits.max_line;
    long count = 0;
    line_view l;
    int got;
    while ((got = next_line(&s, &l)) != 0) {
        if (got < 0) {
            snprintf(err, err_size, "line %zu: longer than %zu bytes", s.lines.line_no,
                     s.limits.max_line);
            return -1;
        }
        if (l.len == 0)
            continue;
        sf_http_request req;
        if (parse_one(&s, l, &req, err, err_size) < 0)
            return -1;
        int rc = on_request(&req, ctx, err, err_size);
        sf_record_clear(&req.rec);
        if (rc < 0)
            return -1;
        count++;
    }
    return count;
}
