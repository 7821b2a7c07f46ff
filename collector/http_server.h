/* The collector's HTTP front: libevent evhttp, a route table, correlation ids,
 * X-Response-Time, and the error shapes of api.md (404/405/413/422/500). Handlers get
 * an sf_request and answer with sf_reply_*; who may call a route is decided in one place,
 * the access gate (http_access.c), before any handler runs. */
#ifndef SF_HTTP_SERVER_H
#define SF_HTTP_SERVER_H

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdint.h>

#include "collector/auth_jwt.h"
#include "common/addr.h"
#include "common/record_json.h"

struct sf_app;
struct sf_http_server;

#define SF_EXTRA_HEADERS_MAX 16

struct sf_route;

typedef struct sf_request {
    struct evhttp_request *req;
    struct sf_app *app;
    struct sf_http_server *server;
    char path[2048];           /* decoded path, no query, no trailing slash */
    struct evkeyvalq query;    /* decoded query parameters */
    char correlation_id[129];
    int64_t start_us;          /* monotonic */
    const char *path_param;    /* the {id} segment, if the route has one */
    const struct sf_route *route;
    int client_gone;           /* the connection closed before the answer */
    sf_jwt_claims auth;        /* who is calling (role SF_ROLE_NONE: anonymous) */
    int auth_looked_up;        /* the gate already asked the database once */
    char client_ip[SF_ADDR_TEXT_MAX]; /* peer, or X-Forwarded-For from a trusted proxy */
    int extra_header_count;
    char extra_headers[SF_EXTRA_HEADERS_MAX][2][256];
} sf_request;

typedef void (*sf_handler)(sf_request *r);

/* Who may call a route (api.md "Authentication, roles, limits"). Checked in one place,
 * the access gate (http_access.c), before the handler runs. */
typedef enum {
    SF_ACCESS_OPEN,    /* anyone: health, banner, OpenAPI, demo token, static files */
    SF_ACCESS_LOGIN,   /* anyone, on the login/signup per-address budget */
    SF_ACCESS_READ,    /* any user role: guest, analyst, admin */
    SF_ACCESS_DEMO,    /* guest, analyst, admin: demo data generation */
    SF_ACCESS_ANALYST, /* analyst or admin: resolve, label, train, evaluate, delete demo */
    SF_ACCESS_ADMIN,
    SF_ACCESS_TRAFFIC, /* ingest tokens, analyst, admin: POST /api/traffic */
    SF_ACCESS_INGEST,  /* ingest tokens and admin: batches, heartbeats */
    SF_ACCESS_METRICS, /* addresses in metrics_allow, else an admin token: GET /metrics */
} sf_access;

typedef struct sf_route {
    enum evhttp_cmd_type method;
    const char *pattern;       /* "/api/anomalies/{id}/resolve"; {id} matches one segment */
    sf_handler handler;
    sf_access access;
} sf_route;

/* The access gate (http_access.c): decides whether r may use r->route (authentication,
 * role, rate limit) and then runs the route's handler, or answers 401/403/429 itself. It
 * may first ask the database (an account or ingest token not seen yet) and continue when
 * the answer comes. */
void sf_access_enter(sf_request *r);
/* The token of an Authorization header value ("Bearer <token>", scheme case-insensitive,
 * spaces trimmed); NULL when there is none or it is empty. */
const char *sf_bearer_from_header(const char *header, size_t *len);
/* The client's address as text (the socket peer). */
const char *sf_request_peer(sf_request *r);

typedef struct sf_http_server sf_http_server;

#include "collector/http_connections.h"

typedef struct sf_http_server_options {
    const char *listen;
    size_t max_body;           /* larger bodies are refused by libevent */
    int timeout_s;             /* a client has this long to send its request */
    uint32_t max_connections, max_connections_per_client; /* 0 = from the open-file limit */
    const char *tls_cert, *tls_key; /* both set: HTTPS */
} sf_http_server_options;

/* Binds and serves routes (a table ending with a NULL pattern). */
sf_http_server *sf_http_server_start(struct event_base *base, struct sf_app *app,
                                     const sf_route *routes, const sf_http_server_options *o,
                                     char *err, size_t err_size);
void sf_http_server_get_stats(const sf_http_server *srv, sf_http_server_stats *out);
/* Stops accepting connections; requests already received are still answered, new ones
 * on open keep-alive connections get 503 + Connection: close. */
void sf_http_server_stop_listening(sf_http_server *srv);
void sf_http_server_free(sf_http_server *srv);

/* Every sf_reply_* sends the answer and frees r: call exactly one, once, on the loop
 * thread (from a handler, or later from a worker's completion via the loop mailbox).
 * If the client has gone meanwhile (client_gone) it only frees r and the request. */

/* Frees r without answering: for handlers that take over the HTTP request themselves
 * (the live stream) after replacing the close callback. */
void sf_request_release(sf_request *r);

/* Adds a response header to the coming reply. */
void sf_reply_add_header(sf_request *r, const char *name, const char *value);
void sf_reply_raw(sf_request *r, int status, const char *content_type, const char *body,
                  size_t len);
struct evbuffer;
/* Answers with the contents of body (the caller frees body afterwards). */
void sf_reply_buffer(sf_request *r, int status, const char *content_type, struct evbuffer *body);
/* The directory of the dashboard's static files (defined with the app). */
const char *sf_app_dashboard_dir(struct sf_app *app);
/* Answers with body (stolen) as JSON. */
void sf_reply_json(sf_request *r, int status, json_t *body);
/* {"detail": "..."} */
void sf_reply_error(sf_request *r, int status, const char *detail);
/* 422 {"detail":[{"type","loc":[loc_kind, field],"msg"}]} */
void sf_reply_invalid(sf_request *r, const sf_field_errors *errs, const char *loc_kind);
/* 500 "Internal error" with the correlation id; the cause goes to the log only. */
void sf_reply_internal(sf_request *r, const char *cause);

/* The request body (NUL-terminated copy is not made: use len). */
const char *sf_request_body(sf_request *r, size_t *len);

#endif
