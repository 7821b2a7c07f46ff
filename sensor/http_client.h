/* A small blocking HTTP/1.1 client over TCP, with deadlines on every step: enough for
 * the uploader (one POST at a time to the collector) and for the traffic generator's
 * driver (keep-alive and pipelined requests on one connection). https:// goes through
 * http_tls.c when the build has OpenSSL; otherwise such a URL is refused with a message
 * pointing at a TLS-terminating proxy.
 * Responses are parsed defensively (bounded header block, bounded kept body, chunked or
 * Content-Length or read-to-close); a garbage answer is an error, never a crash. */
#ifndef SF_HTTP_CLIENT_H
#define SF_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SF_HTTP_HEADER_BLOCK_MAX 65536
#define SF_HTTP_ERR_MAX 256

typedef struct sf_url {
    bool tls;             /* https:// */
    char host[256];       /* name or address, without brackets */
    uint16_t port;
    char host_header[300];/* "host:port" as sent in Host */
    char base_path[1024]; /* path prefix from the URL without a trailing '/', or "" */
} sf_url;

/* Parses "http[s]://host[:port][/prefix]". Returns 0, or -1 with the reason in err. */
int sf_url_parse(const char *text, sf_url *url, char *err, size_t err_size);

struct sf_tls;

typedef struct sf_http_conn {
    int fd;
    struct sf_tls *tls;   /* NULL for plain HTTP */
    char *buf;            /* received, not yet consumed */
    size_t off, len, cap;
} sf_http_conn;

typedef struct sf_http_response {
    int status;
    int64_t retry_after_ms;   /* -1 when absent or not in seconds */
    bool keep_alive;          /* the connection may carry another request */
    bool chunked;
    char content_type[128];
    char *body;               /* first body_cap bytes, NUL-terminated (never NULL on success) */
    size_t body_len;          /* bytes kept */
    uint64_t body_total;      /* body bytes received (decoded) */
} sf_http_response;

/* Monotonic clock in µs, for deadlines. */
int64_t sf_http_now_us(void);

/* Waits for events on fd until the deadline: > 0 ready, 0 timed out, -1 error. */
int sf_http_wait_fd(int fd, short events, int64_t deadline_us);

/* Opens a TCP connection (TCP_NODELAY), and TLS for https, within timeout_ms.
 * Returns 0 or -1 with err. */
int sf_http_connect(sf_http_conn *c, const sf_url *url, int timeout_ms, char *err,
                    size_t err_size);
void sf_http_close(sf_http_conn *c);
/* Writes all of data before the deadline (monotonic µs). */
int sf_http_send(sf_http_conn *c, const void *data, size_t len, int64_t deadline_us,
                 char *err, size_t err_size);
/* Reads one final response (1xx interim responses are skipped). head_request: the
 * response has no body whatever its headers say. Keeps at most body_cap body bytes.
 * Returns 0, or -1 with err (timeout, connection closed, malformed). */
int sf_http_read_response(sf_http_conn *c, bool head_request, size_t body_cap,
                          int64_t deadline_us, sf_http_response *resp, char *err,
                          size_t err_size);
void sf_http_response_free(sf_http_response *resp);

/* One request on a fresh connection ("Connection: close"): connect, send, read, close.
 * path is appended to url->base_path. extra_headers: "Name: value\r\n" lines or NULL. */
int sf_http_request(const sf_url *url, const char *method, const char *path,
                    const char *extra_headers, const void *body, size_t body_len,
                    int timeout_ms, size_t body_cap, sf_http_response *resp, char *err,
                    size_t err_size);

#endif
