/* The evhttp side of the shop server (see shop_server.h). A request is routed at once;
 * its reply waits on a timer for the sampled latency. If the client goes away first,
 * the connection's close callback cancels the timer, because evhttp frees the request. */
#include "shop_server.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "shop_api.h"
#include "tg_random.h"

typedef struct server {
    struct event_base *base;
    double latency_scale;
    uint64_t rng, served;
} server;

typedef struct pending {
    struct evhttp_request *req;
    struct evhttp_connection *conn;
    struct event *timer;
    shop_reply reply;
    int head;
    double latency_ms;
} pending;

static const char *method_name(enum evhttp_cmd_type t)
{
    switch (t) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PATCH: return "PATCH";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    default: return "OTHER";
    }
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 413: return "Payload Too Large";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

static void send_chunked(pending *p)
{
    struct evhttp_request *req = p->req;
    size_t len = strlen(p->reply.body), piece = len / (size_t)p->reply.chunks + 1;
    evhttp_send_reply_start(req, p->reply.status, reason(p->reply.status));
    for (size_t off = 0; off < len; off += piece) {
        struct evbuffer *b = evbuffer_new();
        evbuffer_add(b, p->reply.body + off, len - off < piece ? len - off : piece);
        evhttp_send_reply_chunk(req, b);
        evbuffer_free(b);
    }
    evhttp_send_reply_end(req);
}

static void send_reply(pending *p)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(p->req);
    char rt[32];
    snprintf(rt, sizeof rt, "%.2fms", p->latency_ms);
    evhttp_add_header(h, "X-Response-Time", rt);
    if (p->reply.allow)
        evhttp_add_header(h, "Allow", p->reply.allow);
    if (p->reply.etag)
        evhttp_add_header(h, "ETag", "\"v1\"");
    if (!p->reply.body) {
        evhttp_send_reply(p->req, p->reply.status, reason(p->reply.status), NULL);
        return;
    }
    evhttp_add_header(h, "Content-Type", p->reply.content_type ? p->reply.content_type
                                                               : "application/json");
    if (p->head) { /* evhttp would write the body even for HEAD: announce it, send none */
        char len[24];
        snprintf(len, sizeof len, "%zu", strlen(p->reply.body));
        evhttp_add_header(h, "Content-Length", len);
        evhttp_send_reply(p->req, p->reply.status, reason(p->reply.status), NULL);
        return;
    }
    if (p->reply.chunks > 0) {
        send_chunked(p);
        return;
    }
    struct evbuffer *b = evbuffer_new();
    evbuffer_add(b, p->reply.body, strlen(p->reply.body));
    evhttp_send_reply(p->req, p->reply.status, reason(p->reply.status), b);
    evbuffer_free(b);
}

static void pending_free(pending *p)
{
    event_free(p->timer);
    free(p->reply.body);
    free(p);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    pending *p = arg;
    evhttp_connection_set_closecb(p->conn, NULL, NULL);
    send_reply(p);
    pending_free(p);
}

static void on_close(struct evhttp_connection *conn, void *arg)
{
    (void)conn;
    pending_free(arg); /* the client left before its answer; evhttp frees the request */
}

/* A knob from a header, else from the query; -1 when absent. */
static long knob(struct evhttp_request *req, const char *header, const char *param)
{
    const char *v = evhttp_find_header(evhttp_request_get_input_headers(req), header);
    struct evkeyvalq q = {0};
    const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
    long out = -1;
    if (!v && query && evhttp_parse_query_str(query, &q) == 0)
        v = evhttp_find_header(&q, param);
    if (v)
        out = strtol(v, NULL, 10);
    evhttp_clear_headers(&q);
    return out;
}

static void apply_knobs(struct evhttp_request *req, pending *p)
{
    long status = knob(req, "X-Demo-Status", "status");
    long delay = knob(req, "X-Demo-Delay", "delay_ms");
    if (status >= 200 && status <= 599) {
        free(p->reply.body);
        p->reply.body = strdup(status >= 500 ? "{\"detail\":\"Injected failure\"}"
                                             : "{\"detail\":\"Injected status\"}");
        p->reply.status = (int)status;
        p->reply.chunks = 0;
        p->reply.allow = NULL;
        p->reply.content_type = NULL;
        p->reply.etag = false;
    }
    if (delay > 0)
        p->latency_ms += delay > 60000 ? 60000 : (double)delay;
}

/* Without TCP_NODELAY, a pipelined second answer waits for the client's delayed ACK. */
static void no_delay(struct evhttp_connection *conn)
{
    int one = 1;
    evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    server *s = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = evhttp_uri_get_path(uri);
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    const char *body = len ? (const char *)evbuffer_pullup(in, -1) : NULL;
    pending *p = calloc(1, sizeof *p);
    if (!p) {
        evhttp_send_error(req, 500, "Out of memory");
        return;
    }
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    p->req = req;
    p->head = cmd == EVHTTP_REQ_HEAD;
    p->conn = evhttp_request_get_connection(req);
    no_delay(p->conn);
    struct evkeyvalq *hdrs = evhttp_request_get_input_headers(req);
    bool conditional = evhttp_find_header(hdrs, "If-None-Match") ||
                       evhttp_find_header(hdrs, "If-Modified-Since");
    shop_route(p->head ? "GET" : method_name(cmd), path && *path ? path : "/",
               evhttp_uri_get_query(uri), body, len, conditional, &s->rng, &p->reply);
    p->latency_ms = tg_lognormal(&s->rng, p->reply.median_ms, p->reply.sigma) * s->latency_scale;
    apply_knobs(req, p);
    s->served++;
    struct timeval tv = {.tv_sec = (time_t)(p->latency_ms / 1000),
                         .tv_usec = (suseconds_t)((int64_t)(p->latency_ms * 1000) % 1000000)};
    p->timer = evtimer_new(s->base, on_timer, p);
    evhttp_connection_set_closecb(p->conn, on_close, p);
    evtimer_add(p->timer, &tv);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig, (void)what;
    event_base_loopexit(arg, NULL);
}

/* Binds and reports the port (stdout, and port_file if asked). */
static struct evhttp_bound_socket *bind_listen(struct evhttp *http, const shop_server_opts *o)
{
    char host[256];
    const char *colon = strrchr(o->listen, ':');
    if (!colon || (size_t)(colon - o->listen) >= sizeof host) {
        fprintf(stderr, "trafficgen: --listen wants HOST:PORT, got '%s'\n", o->listen);
        return NULL;
    }
    const char *h = o->listen;
    int hlen = (int)(colon - o->listen);
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') { /* "[::1]:8090" */
        h++;
        hlen -= 2;
    }
    snprintf(host, sizeof host, "%.*s", hlen, h);
    struct evhttp_bound_socket *bs =
        evhttp_bind_socket_with_handle(http, host[0] ? host : "127.0.0.1", (ev_uint16_t)atoi(colon + 1));
    if (!bs) {
        fprintf(stderr, "trafficgen: cannot listen on %s\n", o->listen);
        return NULL;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl);
    unsigned port = ntohs(((struct sockaddr_in *)&ss)->sin_port); /* same offset in v6 */
    printf("listening on %s:%u\n", host[0] ? host : "127.0.0.1", port);
    fflush(stdout);
    FILE *f = o->port_file ? fopen(o->port_file, "w") : NULL;
    if (f) {
        fprintf(f, "%u\n", port);
        fclose(f);
    }
    return bs;
}

int shop_server_run(const shop_server_opts *o)
{
    server s = {.latency_scale = o->latency_scale, .rng = o->seed ? o->seed : 42};
    s.base = event_base_new();
    struct evhttp *http = s.base ? evhttp_new(s.base) : NULL;
    if (!http)
        return 1;
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                         EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD | EVHTTP_REQ_PATCH |
                                         EVHTTP_REQ_OPTIONS);
    evhttp_set_max_body_size(http, o->max_body);
    evhttp_set_timeout(http, 120);
    evhttp_set_gencb(http, on_request, &s);
    int rc = 1;
    if (bind_listen(http, o)) {
        struct event *si = evsignal_new(s.base, SIGINT, on_signal, s.base);
        struct event *st = evsignal_new(s.base, SIGTERM, on_signal, s.base);
        event_add(si, NULL);
        event_add(st, NULL);
        signal(SIGPIPE, SIG_IGN);
        event_base_dispatch(s.base);
        fprintf(stderr, "trafficgen: served %llu requests\n", (unsigned long long)s.served);
        event_free(si);
        event_free(st);
        rc = 0;
    }
    evhttp_free(http);
    event_base_free(s.base);
    return rc;
}
