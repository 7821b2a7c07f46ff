/* The collector's HTTP front (see http_server.h): dispatch, correlation ids, timing
 * headers and error replies. */
#include "collector/http_server.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/app.h"
#include "collector/http_cors.h"
#include "collector/http_server_tls.h"
#include "collector/static_files.h"
#include "common/addr.h"
#include "common/log.h"
#include "common/time_util.h"

struct sf_http_server {
    struct evhttp *http;
    struct evhttp_bound_socket *listener;
    struct sf_app *app;
    const sf_route *routes;
    int draining;              /* stopping: answer new requests 503 and close */
    sf_connections *conns;     /* counted and capped client connections */
    SSL_CTX *tls;              /* NULL: plain HTTP */
    struct event *accept_resume;
    uint64_t accept_pauses;
    int64_t last_pause_log_us;
};

/* The listener's error callback gets evhttp's argument, not ours: one server a process. */
static sf_http_server *the_server;

/* api.md: an incoming id of 1-128 characters from [A-Za-z0-9._:-] is kept. */
static int valid_correlation_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n < 1 || n > 128)
        return 0;
    return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") == n;
}

static void new_uuid4(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

static void assign_correlation_id(sf_request *r)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(r->req);
    const char *id = evhttp_find_header(in, "X-Correlation-ID");
    if (!valid_correlation_id(id))
        id = evhttp_find_header(in, "X-Request-ID");
    if (valid_correlation_id(id))
        snprintf(r->correlation_id, sizeof r->correlation_id, "%s", id);
    else
        new_uuid4(r->correlation_id);
    sf_log_set_correlation_id(r->correlation_id);
}

static void request_free(sf_request *r)
{
    evhttp_clear_headers(&r->query);
    free(r);
}

/* The client went away while its answer was being prepared (off the loop): the
 * connection's close callback (http_connections.c) sets r->client_gone. libevent detaches
 * an unanswered request from its dying connection instead of freeing it (its
 * evhttp_connection_incoming_fail): the request stays ours, and answering it later frees
 * it without sending anything. */

static void send_reply(sf_request *r, int status, const char *content_type, struct evbuffer *body)
{
    sf_log_set_correlation_id(r->correlation_id);
    if (r->client_gone) {
        sf_log(SF_LOG_INFO, "client closed before the reply", json_pack("{s:i}", "status", status));
        evhttp_send_reply(r->req, status, NULL, NULL); /* detached: this only frees it */
        sf_log_set_correlation_id(NULL);
        request_free(r);
        return;
    }
    sf_connections_request_done(r->server->conns, evhttp_request_get_connection(r->req));
    struct evkeyvalq *out = evhttp_request_get_output_headers(r->req);
    char elapsed[32];
    snprintf(elapsed, sizeof elapsed, "%.2fms", (sf_monotonic_us() - r->start_us) / 1000.0);
    evhttp_add_header(out, "Content-Type", content_type);
    evhttp_add_header(out, "X-Correlation-ID", r->correlation_id);
    evhttp_add_header(out, "X-Response-Time", elapsed);
    evhttp_add_header(out, "Access-Control-Expose-Headers",
                      "X-Correlation-ID, X-Response-Time, X-RateLimit-Limit, "
                      "X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After");
    evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
    sf_cors_add_headers(r, out);
    for (int i = 0; i < r->extra_header_count; i++)
        evhttp_add_header(out, r->extra_headers[i][0], r->extra_headers[i][1]);
    /* libevent 2.1 has no phrase for 429 ("Client Error" otherwise) */
    evhttp_send_reply(r->req, status, status == 429 ? "Too Many Requests" : NULL, body);
    sf_log_set_correlation_id(NULL);
    request_free(r);
}

void sf_request_release(sf_request *r)
{
    if (!r->client_gone)
        sf_connections_forget(r->server->conns, evhttp_request_get_connection(r->req));
    sf_log_set_correlation_id(NULL);
    request_free(r);
}

void sf_reply_add_header(sf_request *r, const char *name, const char *value)
{
    if (r->extra_header_count < SF_EXTRA_HEADERS_MAX) {
        int i = r->extra_header_count++;
        snprintf(r->extra_headers[i][0], sizeof r->extra_headers[i][0], "%s", name);
        snprintf(r->extra_headers[i][1], sizeof r->extra_headers[i][1], "%s", value);
    }
}

void sf_reply_buffer(sf_request *r, int status, const char *content_type, struct evbuffer *body)
{
    send_reply(r, status, content_type, body);
}

void sf_reply_raw(sf_request *r, int status, const char *content_type, const char *body,
                  size_t len)
{
    struct evbuffer *buf = evbuffer_new();
    evbuffer_add(buf, body, len);
    send_reply(r, status, content_type, buf);
    evbuffer_free(buf);
}

void sf_reply_json(sf_request *r, int status, json_t *body)
{
    struct evbuffer *buf = evbuffer_new();
    char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(body);
    if (text) {
        evbuffer_add(buf, text, strlen(text));
        free(text);
    }
    send_reply(r, status, "application/json", buf);
    evbuffer_free(buf);
}

void sf_reply_error(sf_request *r, int status, const char *detail)
{
    sf_reply_json(r, status, json_pack("{s:s}", "detail", detail));
}

void sf_reply_invalid(sf_request *r, const sf_field_errors *errs, const char *loc_kind)
{
    json_t *list = json_array();
    for (int i = 0; i < errs->count; i++) {
        const sf_field_error *e = &errs->items[i];
        json_array_append_new(list, json_pack("{s:s,s:[s,s],s:s}", "type", e->type, "loc",
                                              loc_kind, e->field, "msg", e->msg));
    }
    sf_reply_json(r, 422, json_pack("{s:o}", "detail", list));
}

void sf_reply_internal(sf_request *r, const char *cause)
{
    sf_log(SF_LOG_ERROR, "internal error", json_pack("{s:s}", "cause", cause));
    sf_reply_json(r, 500, json_pack("{s:s,s:s}", "detail", "Internal error", "correlation_id",
                                    r->correlation_id));
}

const char *sf_request_peer(sf_request *r)
{
    char *addr = NULL;
    ev_uint16_t port;
    if (r->req)
        evhttp_connection_get_peer(evhttp_request_get_connection(r->req), &addr, &port);
    return addr ? addr : "";
}

const char *sf_request_body(sf_request *r, size_t *len)
{
    if (r->client_gone) {
        *len = 0;
        return "";
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
    *len = evbuffer_get_length(in);
    return (const char *)evbuffer_pullup(in, -1);
}

/* Matches path against pattern; "{...}" matches one non-empty segment. */
static int path_matches(const char *pattern, const char *path, const char **param)
{
    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *seg_end = strchr(path, '/');
            if (!seg_end)
                seg_end = path + strlen(path);
            if (seg_end == path)
                return 0;
            *param = path;
            pattern = strchr(pattern, '}') + 1;
            path = seg_end;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

static const char *method_name(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_PATCH: return "PATCH";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    default: return "OTHER";
    }
}

/* Copies the decoded path (no query, no trailing slash) into r->path. */
static int parse_uri(sf_request *r)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r->req);
    const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
    char *decoded = raw ? evhttp_uridecode(raw, 0, NULL) : NULL;
    if (!decoded)
        return -1;
    size_t n = strlen(decoded);
    while (n > 1 && decoded[n - 1] == '/')
        n--;
    int ok = n < sizeof r->path && memchr(decoded, '\0', n) == NULL;
    if (ok) {
        memcpy(r->path, decoded, n);
        r->path[n] = '\0';
    }
    free(decoded);
    const char *q = evhttp_uri_get_query(uri);
    if (ok && q && evhttp_parse_query_str(q, &r->query) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static void dispatch(sf_request *r, const sf_route *routes)
{
    enum evhttp_cmd_type method = evhttp_request_get_command(r->req);
    char allow[128] = "";
    if (sf_static_is_page(r)) { /* a browser reloading the dashboard's /metrics page */
        sf_static_serve(r, sf_app_dashboard_dir(r->app));
        return;
    }
    for (const sf_route *rt = routes; rt->pattern; rt++) {
        const char *param = NULL;
        if (!path_matches(rt->pattern, r->path, &param))
            continue;
        if (rt->method == method) {
            r->path_param = param;
            r->route = rt;
            sf_access_enter(r);
            return;
        }
        size_t used = strlen(allow);
        snprintf(allow + used, sizeof allow - used, "%s%s", used ? ", " : "", method_name(rt->method));
    }
    if (allow[0]) {
        sf_reply_add_header(r, "Allow", allow);
        sf_reply_error(r, 405, "Method Not Allowed");
    } else if (strncmp(r->path, "/api/", 5) != 0 && strcmp(r->path, "/api") != 0 &&
               strcmp(r->path, "/metrics") != 0 &&
               (method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD)) {
        sf_static_serve(r, sf_app_dashboard_dir(r->app));
    } else {
        sf_reply_error(r, 404, "Not Found");
    }
}

/* Answers leave at once: without TCP_NODELAY, the tail of an answer larger than one
 * segment waits for the client's delayed ACK (40 ms on Linux); and libevent writes at
 * most 16 KiB per loop turn unless told otherwise. */
static void tune_connection(struct evhttp_request *req)
{
    struct bufferevent *bev = evhttp_connection_get_bufferevent(evhttp_request_get_connection(req));
    evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bev)
        bufferevent_set_max_single_write(bev, 1 << 20);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    sf_http_server *srv = arg;
    /* Heap-allocated: handlers may answer later, from a worker's completion. Every
     * sf_reply_* sends the answer and frees the request, exactly once. */
    sf_request *r = calloc(1, sizeof *r);
    if (!r) {
        evhttp_send_error(req, 503, "Out of memory");
        return;
    }
    r->req = req;
    r->app = srv->app;
    r->server = srv;
    r->start_us = sf_monotonic_us();
    TAILQ_INIT(&r->query);
    assign_correlation_id(r);
    sf_connections_request(srv->conns, evhttp_request_get_connection(req), r);
    tune_connection(req);
    if (srv->draining) {
        /* Keep-alive clients would otherwise go on sending while we drain; a 503 they
         * can retry elsewhere or later is the honest answer. */
        sf_reply_add_header(r, "Connection", "close");
        sf_reply_add_header(r, "Retry-After", "5");
        sf_reply_error(r, 503, "Shutting down");
    } else if (parse_uri(r) != 0) {
        sf_reply_error(r, 400, "Malformed request path or query");
    } else if (!sf_cors_preflight(r)) {
        dispatch(r, srv->routes);
    }
    sf_log_set_correlation_id(NULL);
}

/* libevent's own messages go to our JSON log (and its repeat limit), not raw stderr. */
static void libevent_log(int severity, const char *msg)
{
    sf_log(severity == EVENT_LOG_ERR ? SF_LOG_ERROR : severity == EVENT_LOG_WARN ? SF_LOG_WARN
           : severity == EVENT_LOG_MSG ? SF_LOG_INFO : SF_LOG_DEBUG, "libevent",
           json_pack("{s:s}", "detail", msg));
}

/* Each accepted connection gets its bufferevent here (TLS when configured) and is
 * counted. */
static struct bufferevent *make_bufferevent(struct event_base *base, void *arg)
{
    sf_http_server *srv = arg;
    struct bufferevent *bev;
    if (srv->tls) {
        SSL *ssl = SSL_new(srv->tls);
        bev = ssl ? bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                                   BEV_OPT_CLOSE_ON_FREE) : NULL;
        if (bev)
            bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
        else if (ssl)
            SSL_free(ssl);
    } else {
        bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    }
    if (bev)
        sf_connections_accepted(srv->conns, bev);
    return bev;
}

static void resume_accept(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    sf_http_server *srv = arg;
    if (srv->listener)
        evconnlistener_enable(evhttp_bound_socket_get_listener(srv->listener));
}

/* accept() failed. Out of descriptors, libevent would retry at once, for ever, logging
 * each time: instead close a few idle connections and stop accepting for a moment. */
static void on_accept_error(struct evconnlistener *listener, void *arg)
{
    (void)arg;
    int err = EVUTIL_SOCKET_ERROR();
    sf_http_server *srv = the_server;
    if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        evconnlistener_disable(listener);
        srv->accept_pauses++;
        int shed = sf_connections_shed_idle(srv->conns, 8);
        /* once every 10 s at most: the pauses themselves are counted in /metrics */
        int64_t now = sf_monotonic_us();
        if (now - srv->last_pause_log_us > 10000000) {
            srv->last_pause_log_us = now;
            sf_log(SF_LOG_WARN, "out of file descriptors: accepting paused for 100 ms at a time",
                   json_pack("{s:s,s:i,s:I}", "error", strerror(err), "idle_connections_closed", shed,
                             "pauses_so_far", (json_int_t)srv->accept_pauses));
        }
        struct timeval tv = {0, 100000};
        evtimer_add(srv->accept_resume, &tv);
    } else {
        sf_log(SF_LOG_WARN, "accept failed", json_pack("{s:s}", "error", strerror(err)));
    }
}

static int start_tls(sf_http_server *srv, const sf_http_server_options *o, char *err,
                     size_t err_size)
{
    if (!o->tls_cert || !o->tls_cert[0] || !o->tls_key || !o->tls_key[0]) {
        if ((o->tls_cert && o->tls_cert[0]) || (o->tls_key && o->tls_key[0])) {
            snprintf(err, err_size, "tls_cert and tls_key go together");
            return -1;
        }
        return 0;
    }
    srv->tls = sf_tls_server_context(o->tls_cert, o->tls_key, err, err_size);
    return srv->tls ? 0 : -1;
}

sf_http_server *sf_http_server_start(struct event_base *base, struct sf_app *app,
                                     const sf_route *routes, const sf_http_server_options *o,
                                     char *err, size_t err_size)
{
    char host[256];
    uint16_t port;
    if (sf_hostport_parse(o->listen, host, sizeof host, &port, err, err_size))
        return NULL;
    event_set_log_callback(libevent_log);
    sf_http_server *srv = calloc(1, sizeof *srv);
    uint32_t max_total = o->max_connections, max_per = o->max_connections_per_client;
    uint32_t def_total, def_per;
    sf_connections_default_caps(&def_total, &def_per);
    if (!max_total)
        max_total = def_total;
    if (!max_per)
        max_per = max_total / 4 > 8 ? max_total / 4 : 8;
    srv->http = evhttp_new(base);
    srv->app = app;
    srv->routes = routes;
    srv->conns = sf_connections_new(base, max_total, max_per, app->trusted_proxies);
    srv->accept_resume = evtimer_new(base, resume_accept, srv);
    the_server = srv;
    if (!srv->conns)
        snprintf(err, err_size, "out of memory");
    if (!srv->conns || start_tls(srv, o, err, err_size)) {
        sf_http_server_free(srv);
        return NULL;
    }
    evhttp_set_bevcb(srv->http, make_bufferevent, srv);
    evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                               EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD |
                               EVHTTP_REQ_OPTIONS);
    evhttp_set_gencb(srv->http, on_request, srv);
    /* Larger bodies get libevent's own 413 before any handler sees them; each route
     * applies its own, smaller limit with the JSON error shape. Headers are bounded too
     * (libevent's default is no bound); a 100 KB bearer token still reaches the gate and
     * gets its 401 without being parsed. */
    evhttp_set_max_body_size(srv->http, (ev_ssize_t)o->max_body);
    evhttp_set_max_headers_size(srv->http, 128 * 1024);
    evhttp_set_timeout(srv->http, o->timeout_s);
    srv->listener = evhttp_bind_socket_with_handle(srv->http, host, port);
    if (!srv->listener) {
        snprintf(err, err_size, "cannot listen on %s: address in use or not available", o->listen);
        sf_http_server_free(srv);
        return NULL;
    }
    evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(srv->listener), on_accept_error);
    sf_log(SF_LOG_INFO, "connection caps", json_pack("{s:i,s:i,s:b}", "max_connections",
           (int)max_total, "max_connections_per_client", (int)max_per, "tls", srv->tls != NULL));
    return srv;
}

void sf_http_server_get_stats(const sf_http_server *srv, sf_http_server_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!srv)
        return;
    sf_connections_get_stats(srv->conns, out);
    out->accept_pauses = srv->accept_pauses;
}

void sf_http_server_stop_listening(sf_http_server *srv)
{
    if (srv)
        srv->draining = 1;
    if (srv && srv->listener) {
        evhttp_del_accept_socket(srv->http, srv->listener);
        srv->listener = NULL;
    }
}

void sf_http_server_free(sf_http_server *srv)
{
    if (!srv)
        return;
    if (srv->http)
        evhttp_free(srv->http); /* frees its connections: their close callbacks run */
    sf_connections_free(srv->conns);
    if (srv->accept_resume)
        event_free(srv->accept_resume);
    if (srv->tls)
        SSL_CTX_free(srv->tls);
    if (the_server == srv)
        the_server = NULL;
    free(srv);
}
