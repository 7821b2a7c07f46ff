/* Blocking HTTP/1.1 client (see http_client.h). Sockets are non-blocking underneath and
 * every wait is a poll() bounded by the caller's deadline, so a collector that accepts
 * and then says nothing costs at most the timeout. */
#include "sensor/http_client.h"
#include "sensor/http_tls.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SF_VERSION
#define SF_VERSION "dev"
#endif

#define LINE_MAX_BYTES 8192
#define CONN_BUF_SIZE 65536

int64_t sf_http_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int split_host_port(const char *hp, size_t n, sf_url *url, char *err, size_t es)
{
    const char *colon = NULL;
    const char *host = hp;
    size_t hlen = n;
    if (n > 0 && hp[0] == '[') { /* [v6]:port */
        const char *close = memchr(hp, ']', n);
        if (!close)
            return snprintf(err, es, "bad URL: unterminated '['"), -1;
        host = hp + 1;
        hlen = (size_t)(close - hp - 1);
        if (close + 1 < hp + n && close[1] == ':')
            colon = close + 1;
    } else if ((colon = memchr(hp, ':', n)) != NULL) {
        hlen = (size_t)(colon - hp);
    }
    if (hlen == 0 || hlen >= sizeof url->host)
        return snprintf(err, es, "bad URL: missing or overlong host"), -1;
    memcpy(url->host, host, hlen);
    url->host[hlen] = '\0';
    url->port = url->tls ? 443 : 80;
    if (colon) {
        char *end;
        long p = strtol(colon + 1, &end, 10);
        if (end != hp + n || p < 1 || p > 65535)
            return snprintf(err, es, "bad URL: bad port"), -1;
        url->port = (uint16_t)p;
    }
    snprintf(url->host_header, sizeof url->host_header, "%.*s", (int)n, hp);
    return 0;
}

int sf_url_parse(const char *text, sf_url *url, char *err, size_t err_size)
{
    memset(url, 0, sizeof *url);
    if (!text || !*text)
        return snprintf(err, err_size, "no collector URL"), -1;
    url->tls = strncasecmp(text, "https://", 8) == 0;
    if (url->tls && !sf_tls_available())
        return snprintf(err, err_size, "https:// is not supported by this build (no OpenSSL); "
                        "use http:// to a TLS-terminating proxy (for example stunnel or nginx "
                        "on the sensor host) in front of the collector"), -1;
    if (!url->tls && strncasecmp(text, "http://", 7) != 0)
        return snprintf(err, err_size, "bad URL '%s': expected http[s]://host[:port]", text), -1;
    const char *hp = text + (url->tls ? 8 : 7);
    const char *slash = strchr(hp, '/');
    size_t n = slash ? (size_t)(slash - hp) : strlen(hp);
    if (split_host_port(hp, n, url, err, err_size) != 0)
        return -1;
    if (slash) {
        size_t plen = strlen(slash);
        while (plen > 0 && slash[plen - 1] == '/')
            plen--;
        if (plen >= sizeof url->base_path)
            return snprintf(err, err_size, "bad URL: path too long"), -1;
        memcpy(url->base_path, slash, plen);
        url->base_path[plen] = '\0';
    }
    return 0;
}

int sf_http_wait_fd(int fd, short events, int64_t deadline_us)
{
    for (;;) {
        int64_t left = deadline_us - sf_http_now_us();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, (int)((left + 999) / 1000));
        if (rc < 0 && errno == EINTR)
            continue;
        return rc < 0 ? -1 : rc;
    }
}

static int connect_one(const struct addrinfo *ai, int64_t deadline_us, int *err_no)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0)
        return *err_no = errno, -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
        *err_no = errno;
        close(fd);
        return -1;
    }
    int so_err = 0;
    socklen_t sl = sizeof so_err;
    int w = sf_http_wait_fd(fd, POLLOUT, deadline_us);
    if (w <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_err, &sl) != 0 || so_err) {
        *err_no = w == 0 ? ETIMEDOUT : (so_err ? so_err : errno);
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int sf_http_connect(sf_http_conn *c, const sf_url *url, int timeout_ms, char *err,
                    size_t err_size)
{
    const char *host = url->host;
    uint16_t port = url->port;
    memset(c, 0, sizeof *c);
    c->fd = -1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", port);
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai != 0)
        return snprintf(err, err_size, "resolve %s: %s", host, gai_strerror(gai)), -1;
    int64_t deadline = sf_http_now_us() + (int64_t)timeout_ms * 1000;
    int err_no = 0;
    for (struct addrinfo *ai = res; ai && c->fd < 0; ai = ai->ai_next)
        c->fd = connect_one(ai, deadline, &err_no);
    freeaddrinfo(res);
    if (c->fd < 0)
        return snprintf(err, err_size, "connect %s:%u: %s", host, port, strerror(err_no)), -1;
    if (url->tls && !(c->tls = sf_tls_start(c->fd, host, deadline, err, err_size))) {
        sf_http_close(c);
        return -1;
    }
    c->cap = CONN_BUF_SIZE;
    c->buf = malloc(c->cap);
    if (!c->buf) {
        sf_http_close(c);
        return snprintf(err, err_size, "out of memory"), -1;
    }
    return 0;
}

void sf_http_close(sf_http_conn *c)
{
    sf_tls_free(c->tls);
    c->tls = NULL;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->off = c->len = c->cap = 0;
}

/* One transfer on the transport, plain or TLS: > 0 bytes, 0 = peer closed (reads), or
 * -1 with *want = POLLIN/POLLOUT when it would block, else with err filled. */
static ssize_t io(sf_http_conn *c, bool writing, void *buf, size_t n, short *want, char *err,
                  size_t es)
{
    *want = 0;
    if (c->tls)
        return writing ? sf_tls_write(c->tls, buf, n, want, err, es)
                       : sf_tls_read(c->tls, buf, n, want, err, es);
    for (;;) {
        ssize_t r = writing ? send(c->fd, buf, n, MSG_NOSIGNAL) : recv(c->fd, buf, n, 0);
        if (r >= 0)
            return r;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            *want = writing ? POLLOUT : POLLIN;
        else
            snprintf(err, es, "%s: %s", writing ? "send" : "recv", strerror(errno));
        return -1;
    }
}

int sf_http_send(sf_http_conn *c, const void *data, size_t len, int64_t deadline_us,
                 char *err, size_t err_size)
{
    char *p = (char *)(uintptr_t)data;
    while (len > 0) {
        short want;
        ssize_t w = io(c, true, p, len, &want, err, err_size);
        if (w > 0) {
            p += w;
            len -= (size_t)w;
        } else if (w == 0 || !want) {
            return w == 0 ? (snprintf(err, err_size, "send: connection closed"), -1) : -1;
        } else if (sf_http_wait_fd(c->fd, want, deadline_us) <= 0) {
            return snprintf(err, err_size, "send: timed out"), -1;
        }
    }
    return 0;
}

/* Reads more bytes into the buffer. Returns > 0, 0 on EOF, -1 on error or timeout. */
static int fill(sf_http_conn *c, int64_t deadline_us, char *err, size_t es)
{
    if (c->off > 0 && c->off == c->len)
        c->off = c->len = 0;
    if (c->len == c->cap && c->off > 0) {
        memmove(c->buf, c->buf + c->off, c->len - c->off);
        c->len -= c->off;
        c->off = 0;
    }
    if (c->len == c->cap)
        return snprintf(err, es, "response line too long"), -1;
    for (;;) {
        short want;
        ssize_t r = io(c, false, c->buf + c->len, c->cap - c->len, &want, err, es);
        if (r >= 0) {
            c->len += (size_t)r;
            return r > 0 ? 1 : 0;
        }
        if (!want)
            return -1;
        if (sf_http_wait_fd(c->fd, want, deadline_us) <= 0)
            return snprintf(err, es, "timed out waiting for the response"), -1;
    }
}

/* Next line without its CR LF; *line points into the buffer until the next fill. */
static int read_line(sf_http_conn *c, int64_t deadline_us, char **line, size_t *n,
                     char *err, size_t es)
{
    for (;;) {
        char *start = c->buf + c->off;
        char *nl = memchr(start, '\n', c->len - c->off);
        if (nl) {
            *line = start;
            *n = (size_t)(nl - start);
            if (*n > 0 && start[*n - 1] == '\r')
                (*n)--;
            start[*n] = '\0';
            c->off = (size_t)(nl - c->buf) + 1;
            return 0;
        }
        if (c->len - c->off > LINE_MAX_BYTES)
            return snprintf(err, es, "malformed response: line over %d bytes", LINE_MAX_BYTES), -1;
        int r = fill(c, deadline_us, err, es);
        if (r == 0)
            return snprintf(err, es, "connection closed before the response was complete"), -1;
        if (r < 0)
            return -1;
    }
}

static void keep_body(sf_http_response *resp, size_t body_cap, const char *p, size_t n)
{
    size_t room = body_cap - resp->body_len;
    size_t k = n < room ? n : room;
    memcpy(resp->body + resp->body_len, p, k);
    resp->body_len += k;
    resp->body[resp->body_len] = '\0';
    resp->body_total += n;
}

/* Consumes n body bytes (n == UINT64_MAX: until the peer closes). */
static int read_body_bytes(sf_http_conn *c, uint64_t n, sf_http_response *resp,
                           size_t body_cap, int64_t deadline_us, char *err, size_t es)
{
    while (n > 0) {
        if (c->off == c->len) {
            int r = fill(c, deadline_us, err, es);
            if (r == 0 && n == UINT64_MAX)
                return 0;
            if (r == 0)
                return snprintf(err, es, "connection closed inside the response body"), -1;
            if (r < 0)
                return -1;
        }
        size_t avail = c->len - c->off;
        size_t take = (uint64_t)avail < n ? avail : (size_t)n;
        keep_body(resp, body_cap, c->buf + c->off, take);
        c->off += take;
        if (n != UINT64_MAX)
            n -= take;
    }
    return 0;
}

static int read_chunked(sf_http_conn *c, sf_http_response *resp, size_t body_cap,
                        int64_t deadline_us, char *err, size_t es)
{
    char *line;
    size_t n;
    for (;;) {
        if (read_line(c, deadline_us, &line, &n, err, es) != 0)
            return -1;
        char *end;
        errno = 0;
        unsigned long long size = strtoull(line, &end, 16);
        if (end == line || errno || (*end && *end != ';' && *end != ' ' && *end != '\t'))
            return snprintf(err, es, "malformed response: bad chunk size"), -1;
        if (size == 0)
            break;
        if (read_body_bytes(c, size, resp, body_cap, deadline_us, err, es) != 0 ||
            read_line(c, deadline_us, &line, &n, err, es) != 0)
            return -1;
        if (n != 0)
            return snprintf(err, es, "malformed response: chunk not followed by CRLF"), -1;
    }
    do { /* trailer section, ends with an empty line */
        if (read_line(c, deadline_us, &line, &n, err, es) != 0)
            return -1;
    } while (n != 0);
    return 0;
}

typedef struct head_info {
    int64_t content_length; /* -1 = none */
    bool close, keep_alive_hdr, http10;
} head_info;

static bool header_is(const char *line, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncasecmp(line, name, n) != 0 || line[n] != ':')
        return false;
    const char *v = line + n + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    *value = v;
    return true;
}

static int parse_header(const char *line, sf_http_response *resp, head_info *h)
{
    const char *v;
    char *end;
    if (header_is(line, "Content-Length", &v)) {
        errno = 0;
        long long cl = strtoll(v, &end, 10);
        if (end == v || errno || cl < 0)
            return -1;
        h->content_length = cl;
    } else if (header_is(line, "Transfer-Encoding", &v)) {
        resp->chunked = strcasestr(v, "chunked") != NULL;
    } else if (header_is(line, "Connection", &v)) {
        h->close = strcasestr(v, "close") != NULL;
        h->keep_alive_hdr = strcasestr(v, "keep-alive") != NULL;
    } else if (header_is(line, "Retry-After", &v)) {
        long s = strtol(v, &end, 10); /* an HTTP-date is left to our own backoff */
        if (end != v && s >= 0 && s < 86400 && (*end == '\0' || *end == ' '))
            resp->retry_after_ms = s * 1000;
    } else if (header_is(line, "Content-Type", &v)) {
        snprintf(resp->content_type, sizeof resp->content_type, "%s", v);
    }
    return 0;
}

static int read_head(sf_http_conn *c, int64_t deadline_us, sf_http_response *resp,
                     head_info *h, char *err, size_t es)
{
    char *line;
    size_t n, total = 0;
    if (read_line(c, deadline_us, &line, &n, err, es) != 0)
        return -1;
    int minor, status;
    if (sscanf(line, "HTTP/1.%d %3d", &minor, &status) != 2 || status < 100 || status > 999)
        return snprintf(err, es, "malformed response: bad status line"), -1;
    resp->status = status;
    h->http10 = minor == 0;
    for (;;) {
        if (read_line(c, deadline_us, &line, &n, err, es) != 0)
            return -1;
        if (n == 0)
            return 0;
        total += n + 2;
        if (total > SF_HTTP_HEADER_BLOCK_MAX)
            return snprintf(err, es, "malformed response: header block too large"), -1;
        if (parse_header(line, resp, h) != 0)
            return snprintf(err, es, "malformed response: bad Content-Length"), -1;
    }
}

static void reset_response(sf_http_response *resp)
{
    char *body = resp->body;
    memset(resp, 0, sizeof *resp);
    resp->body = body;
    resp->body[0] = '\0';
    resp->retry_after_ms = -1;
}

int sf_http_read_response(sf_http_conn *c, bool head_request, size_t body_cap,
                          int64_t deadline_us, sf_http_response *resp, char *err,
                          size_t err_size)
{
    memset(resp, 0, sizeof *resp);
    resp->body = malloc(body_cap + 1);
    if (!resp->body)
        return snprintf(err, err_size, "out of memory"), -1;
    head_info h;
    do { /* 1xx interim responses (100 Continue, 103) precede the final one */
        reset_response(resp);
        h = (head_info){.content_length = -1};
        if (read_head(c, deadline_us, resp, &h, err, err_size) != 0)
            goto fail;
    } while (resp->status >= 100 && resp->status < 200 && resp->status != 101);
    resp->keep_alive = h.http10 ? h.keep_alive_hdr : !h.close;
    int rc = 0;
    bool no_body = head_request || resp->status == 101 || resp->status == 204 ||
                   resp->status == 304;
    if (no_body)
        rc = 0;
    else if (resp->chunked)
        rc = read_chunked(c, resp, body_cap, deadline_us, err, err_size);
    else if (h.content_length >= 0)
        rc = read_body_bytes(c, (uint64_t)h.content_length, resp, body_cap, deadline_us,
                             err, err_size);
    else {
        resp->keep_alive = false; /* delimited by the close */
        rc = read_body_bytes(c, UINT64_MAX, resp, body_cap, deadline_us, err, err_size);
    }
    if (rc == 0)
        return 0;
fail:
    sf_http_response_free(resp);
    return -1;
}

void sf_http_response_free(sf_http_response *resp)
{
    free(resp->body);
    resp->body = NULL;
}

int sf_http_request(const sf_url *url, const char *method, const char *path,
                    const char *extra_headers, const void *body, size_t body_len,
                    int timeout_ms, size_t body_cap, sf_http_response *resp, char *err,
                    size_t err_size)
{
    sf_http_conn c;
    int64_t deadline = sf_http_now_us() + (int64_t)timeout_ms * 1000;
    memset(resp, 0, sizeof *resp);
    if (sf_http_connect(&c, url, timeout_ms, err, err_size) != 0)
        return -1;
    char head[4096];
    int n = snprintf(head, sizeof head,
                     "%s %s%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\nUser-Agent: securaflow-sensor/" SF_VERSION "\r\n%s\r\n",
                     method, url->base_path, path, url->host_header, body_len,
                     extra_headers ? extra_headers : "");
    int rc = -1;
    if (n < 0 || (size_t)n >= sizeof head)
        snprintf(err, err_size, "request head too long");
    else if (sf_http_send(&c, head, (size_t)n, deadline, err, err_size) == 0 &&
             (body_len == 0 || sf_http_send(&c, body, body_len, deadline, err, err_size) == 0))
        rc = sf_http_read_response(&c, strcmp(method, "HEAD") == 0, body_cap, deadline, resp,
                                   err, err_size);
    sf_http_close(&c);
    return rc;
}
