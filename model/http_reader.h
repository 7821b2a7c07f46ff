/* Raw HTTP request files in the CSIC 2010 layout: requests one after another, each a
 * request line, header lines, a blank line and, when Content-Length says so, that many
 * bytes of body; blank lines between requests are skipped. CRLF or LF line endings.
 * Absolute-form targets ("http://host/path?q") become origin-form endpoints ("/path?q").
 *
 * Parsing works on a memory buffer and stops at the first malformed request (bad request
 * line, header without a colon, headers or body cut off by the end of input, a line, header
 * count or body over the limits) with an error naming the line. */
#ifndef SF_MODEL_HTTP_READER_H
#define SF_MODEL_HTTP_READER_H

#include <stddef.h>
#include "common/record.h"

typedef struct sf_http_limits {
    size_t max_line;     /* bytes per request or header line; default 64 KiB */
    size_t max_headers;  /* per request; default 100 */
    size_t max_body;     /* Content-Length; default 1 MiB */
} sf_http_limits;

typedef struct sf_http_request {
    sf_record rec;       /* method, endpoint, path, query, host, user_agent, content_type,
                            http_version, request_size_bytes and req_body_bytes (= body) */
    const char *body;    /* into the input buffer; body_len bytes */
    size_t body_len;
    size_t line;         /* line number of the request line */
    size_t header_count;
} sf_http_request;

/* Called for each request; the record is cleared afterwards. Return 0 to go on, or -1 to
 * stop (the parse then fails with the callback's err). */
typedef int (*sf_http_request_fn)(sf_http_request *req, void *ctx, char *err, size_t err_size);

/* Returns the number of requests, or -1 with err set. limits may be NULL. */
long sf_http_parse_requests(const char *text, size_t len, const sf_http_limits *limits,
                            sf_http_request_fn on_request, void *ctx, char *err,
                            size_t err_size);

#endif
