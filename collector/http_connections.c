/* Client connections (see http_connections.h): a list of every tracked connection, a
 * chained hash from evhttp connection to record, and the bufferevents accepted but not
 * yet registered. Finding the idlest is a scan: it runs only when a cap is reached. */
#include "collector/http_connections.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "collector/auth_cidr.h"
#include "collector/http_server.h"
#include "common/addr.h"
#include "common/log.h"
#include "common/text_hash.h"
#include "common/time_util.h"

#define PENDING_MAX 1024

typedef struct conn {
    struct evhttp_connection *evcon;
    struct conn *chain;            /* same hash slot */
    struct conn *prev, *next;      /* every connection */
    char peer[SF_ADDR_TEXT_MAX];
    uint64_t peer_hash;
    int64_t last_active_us;
    struct sf_request *current;    /* request being answered, if any */
    bool exempt;                   /* a trusted proxy: no per-client cap */
    struct sf_connections *owner;
} conn;

struct sf_connections {
    struct event_base *base;
    struct event *register_ev;
    struct bufferevent *pending[PENDING_MAX];
    int npending;
    conn **slots;
    uint32_t mask;
    conn *all;
    uint32_t open, max_total, max_per_client;
    const sf_cidr_list *exempt;
    uint64_t shed;
};

static uint32_t slot_of(const sf_connections *c, const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;
    return (uint32_t)(h >> 29) & c->mask;
}


static conn *find(const sf_connections *c, const struct evhttp_connection *evcon)
{
    for (conn *k = c->slots[slot_of(c, evcon)]; k; k = k->chain)
        if (k->evcon == evcon)
            return k;
    return NULL;
}

static void unlink_conn(sf_connections *c, conn *k)
{
    conn **link = &c->slots[slot_of(c, k->evcon)];
    while (*link && *link != k)
        link = &(*link)->chain;
    if (*link)
        *link = k->chain;
    if (k->prev)
        k->prev->next = k->next;
    else
        c->all = k->next;
    if (k->next)
        k->next->prev = k->prev;
    c->open--;
    free(k);
}

static void on_close(struct evhttp_connection *evcon, void *arg)
{
    (void)evcon;
    conn *k = arg;
    if (k->current)
        k->current->client_gone = 1; /* its answer will only free it */
    unlink_conn(k->owner, k);
}

/* The idlest connection without a request in progress (of one client when peer_hash is
 * not 0), other than spare; NULL when there is none. */
static conn *idlest(sf_connections *c, uint64_t peer_hash, const conn *spare)
{
    conn *best = NULL;
    for (conn *k = c->all; k; k = k->next)
        if (k != spare && !k->current && (!peer_hash || k->peer_hash == peer_hash) &&
            (!best || k->last_active_us < best->last_active_us))
            best = k;
    return best;
}

static void close_conn(sf_connections *c, conn *k)
{
    c->shed++;
    evhttp_connection_free(k->evcon); /* calls the close callback, which forgets k */
}

/* Enforces the caps after k arrived; spare (k itself while its request callback runs)
 * is never closed. */
static void enforce_caps(sf_connections *c, conn *k, const conn *spare)
{
    if (!k->exempt && c->max_per_client) {
        uint32_t same = 0;
        for (conn *o = c->all; o; o = o->next)
            same += o->peer_hash == k->peer_hash;
        if (same > c->max_per_client) {
            conn *victim = idlest(c, k->peer_hash, spare);
            if (victim) {
                sf_log(SF_LOG_WARN, "connection closed: per-client cap reached",
                       json_pack("{s:s,s:i}", "client", k->peer, "cap", (int)c->max_per_client));
                close_conn(c, victim);
                return;
            }
        }
    }
    if (c->max_total && c->open > c->max_total) {
        conn *victim = idlest(c, 0, spare);
        if (victim) {
            sf_log(SF_LOG_WARN, "connection closed: connection cap reached",
                   json_pack("{s:s,s:s,s:i}", "client", victim->peer, "for", k->peer, "cap",
                             (int)c->max_total));
            close_conn(c, victim);
        }
    }
}

/* The record of evcon, made if needed. */
static conn *track(sf_connections *c, struct evhttp_connection *evcon, bool *added)
{
    conn *k = find(c, evcon);
    *added = false;
    if (k)
        return k;
    k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    char *addr = NULL;
    ev_uint16_t port = 0;
    evhttp_connection_get_peer(evcon, &addr, &port);
    snprintf(k->peer, sizeof k->peer, "%s", addr ? addr : "");
    k->peer_hash = sf_text_hash(k->peer) | 1;
    k->exempt = sf_cidr_list_contains(c->exempt, k->peer);
    k->evcon = evcon;
    k->owner = c;
    k->last_active_us = sf_monotonic_us();
    uint32_t slot = slot_of(c, evcon);
    k->chain = c->slots[slot];
    c->slots[slot] = k;
    k->next = c->all;
    if (c->all)
        c->all->prev = k;
    c->all = k;
    c->open++;
    evhttp_connection_set_closecb(evcon, on_close, k);
    *added = true;
    return k;
}

/* Next loop turn after accepts: evhttp has set up the connections by now. Its callback
 * argument on the bufferevent is the evhttp connection; NULL if it is already gone. */
static void register_pending(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    sf_connections *c = arg;
    int n = c->npending;
    c->npending = 0;
    for (int i = 0; i < n; i++) {
        struct bufferevent *bev = c->pending[i];
        void *cbarg = NULL;
        bufferevent_getcb(bev, NULL, NULL, NULL, &cbarg);
        bufferevent_decref(bev);
        bool added;
        conn *k = cbarg ? track(c, cbarg, &added) : NULL;
        if (k && added)
            enforce_caps(c, k, NULL);
    }
}

sf_connections *sf_connections_new(struct event_base *base, uint32_t max_total,
                                   uint32_t max_per_client, const sf_cidr_list *exempt)
{
    sf_connections *c = calloc(1, sizeof *c);
    uint32_t slots = 1024;
    while (slots < 2 * (uint64_t)max_total && slots < (1u << 24))
        slots <<= 1;
    if (!c || !(c->slots = calloc(slots, sizeof *c->slots)) ||
        !(c->register_ev = event_new(base, -1, 0, register_pending, c))) {
        if (c)
            free(c->slots);
        free(c);
        return NULL;
    }
    c->base = base;
    c->mask = slots - 1;
    c->max_total = max_total;
    c->max_per_client = max_per_client;
    c->exempt = exempt;
    return c;
}

void sf_connections_free(sf_connections *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->npending; i++)
        bufferevent_decref(c->pending[i]);
    while (c->all) {
        evhttp_connection_set_closecb(c->all->evcon, NULL, NULL);
        unlink_conn(c, c->all);
    }
    event_free(c->register_ev);
    free(c->slots);
    free(c);
}

void sf_connections_accepted(sf_connections *c, struct bufferevent *bev)
{
    if (c->npending == PENDING_MAX)
        register_pending(-1, 0, c); /* cannot happen within one loop turn, but stay bounded */
    bufferevent_incref(bev);
    c->pending[c->npending++] = bev;
    event_active(c->register_ev, 0, 0);
}

void sf_connections_request(sf_connections *c, struct evhttp_connection *evcon,
                            struct sf_request *r)
{
    bool added;
    conn *k = track(c, evcon, &added);
    if (!k)
        return;
    k->current = r;
    k->last_active_us = sf_monotonic_us();
    if (added)
        enforce_caps(c, k, k);
}

void sf_connections_request_done(sf_connections *c, struct evhttp_connection *evcon)
{
    conn *k = evcon ? find(c, evcon) : NULL;
    if (k) {
        k->current = NULL;
        k->last_active_us = sf_monotonic_us();
    }
}

void sf_connections_forget(sf_connections *c, struct evhttp_connection *evcon)
{
    conn *k = evcon ? find(c, evcon) : NULL;
    if (k)
        unlink_conn(c, k); /* its close callback now belongs to someone else */
}

int sf_connections_shed_idle(sf_connections *c, int n)
{
    int closed = 0;
    for (conn *victim; closed < n && (victim = idlest(c, 0, NULL)); closed++)
        close_conn(c, victim);
    return closed;
}

void sf_connections_get_stats(const sf_connections *c, sf_http_server_stats *out)
{
    out->open = c->open;
    out->max = c->max_total;
    out->shed = c->shed;
}

void sf_connections_default_caps(uint32_t *max_total, uint32_t *max_per_client)
{
    /* Leave room for the database connections, the spool and log files, the listener. */
    struct rlimit rl;
    uint64_t files = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
    if (files > 1000000)
        files = 1000000;
    uint64_t total = files > 256 ? (files - 128) * 3 / 4 : 64;
    *max_total = (uint32_t)total;
    *max_per_client = (uint32_t)(total / 4 > 8 ? total / 4 : 8);
}
