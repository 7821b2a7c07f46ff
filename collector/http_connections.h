/* The client connections of the HTTP server, counted and capped so idle or slow clients
 * cannot take every file descriptor: at most max_total open connections and max_per_client
 * from one address (trusted proxies are exempt from the per-client cap). When a cap is
 * reached the idlest connection without a request in progress is closed (of that client,
 * or overall). libevent's evhttp tells us of a connection only through the bufferevent it
 * asks us to make (evhttp_set_bevcb) and of its end through the connection's close
 * callback, so a connection is registered right after it is accepted (or at its first
 * request, if that comes first) and forgotten when evhttp frees it. Loop thread only. */
#ifndef SF_HTTP_CONNECTIONS_H
#define SF_HTTP_CONNECTIONS_H

#include <event2/bufferevent.h>
#include <event2/http.h>
#include <stdbool.h>
#include <stdint.h>

struct sf_request;
struct sf_cidr_list;

typedef struct sf_connections sf_connections;

typedef struct sf_http_server_stats {
    uint64_t open, max, shed, accept_pauses;
} sf_http_server_stats;

sf_connections *sf_connections_new(struct event_base *base, uint32_t max_total,
                                   uint32_t max_per_client, const struct sf_cidr_list *exempt);
/* Closes nothing (evhttp frees its connections); forgets them all. */
void sf_connections_free(sf_connections *c);
/* From the bevcb: a new connection's bufferevent; it is registered on the next loop turn. */
void sf_connections_accepted(sf_connections *c, struct bufferevent *bev);
/* A request arrives on evcon (registers the connection if needed); r may learn that its
 * client left (r->client_gone) until sf_connections_request_done. */
void sf_connections_request(sf_connections *c, struct evhttp_connection *evcon,
                            struct sf_request *r);
void sf_connections_request_done(sf_connections *c, struct evhttp_connection *evcon);
/* Stops tracking evcon (a handler took the connection over, with its own close callback). */
void sf_connections_forget(sf_connections *c, struct evhttp_connection *evcon);
/* Out of file descriptors: closes up to n idle connections; returns how many. */
int sf_connections_shed_idle(sf_connections *c, int n);
void sf_connections_get_stats(const sf_connections *c, sf_http_server_stats *out);
/* Default caps from the open-file limit: total and per client. */
void sf_connections_default_caps(uint32_t *max_total, uint32_t *max_per_client);

#endif
