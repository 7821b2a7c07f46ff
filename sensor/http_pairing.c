/* Request/response pairing: requests queue per connection in the order they were
 * sent, and each final response answers the oldest one (FIFO, as HTTP/1.1 requires;
 * never by TCP sequence numbers). The queue is capped: when full, the oldest request
 * is reported as unanswered. After a gap in the client's direction a "lost" marker
 * stands where unseen requests may have been; a response that began before the next
 * known request was sent must answer one of those, so it is reported without one.
 * After a gap in the server's direction, a timing rule drops requests whose answer
 * was lost (see sf_txn_for_response). */
#include "sensor/http_conn.h"
#include "sensor/sensor_engine.h"

#include <stdlib.h>
#include <string.h>

sf_txn *sf_txn_alloc(sf_engine *eng, int64_t req_first_us)
{
    sf_txn *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->req_first_us = req_first_us;
    t->memory = sizeof *t;
    sf_engine_charge(eng, t->memory);
    return t;
}

void sf_txn_free(sf_engine *eng, sf_txn *t)
{
    for (int f = 0; f < SF_FIELD_COUNT; f++)
        free(t->field[f]);
    free(t->resp_content_type);
    sf_engine_credit(eng, t->memory);
    free(t);
}

int sf_txn_set_field(sf_engine *eng, sf_txn *t, char **slot, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (*slot) {
        size_t old = strlen(*slot) + 1;
        t->memory -= (uint32_t)old;
        sf_engine_credit(eng, old);
        free(*slot);
    }
    *slot = copy;
    t->memory += (uint32_t)(len + 1);
    sf_engine_charge(eng, len + 1);
    return 0;
}

static void unlink_txn(sf_http_conn *c, sf_txn *t)
{
    sf_txn *prev = NULL;
    for (sf_txn *x = c->head; x; prev = x, x = x->next) {
        if (x != t)
            continue;
        if (prev)
            prev->next = x->next;
        else
            c->head = x->next;
        if (c->tail == x)
            c->tail = prev;
        c->pending--;
        x->next = NULL;
        return;
    }
}

static void forget_txn(sf_http_conn *c, sf_txn *t)
{
    /* A parser side may still point at it (a response before the request ended). */
    for (int i = 0; i < 2; i++)
        if (c->side[i].txn == t)
            c->side[i].txn = NULL;
}

static void append(sf_http_conn *c, sf_txn *t)
{
    if (c->tail)
        c->tail->next = t;
    else
        c->head = t;
    c->tail = t;
    c->pending++;
}

sf_txn *sf_txn_new(sf_http_conn *c, int64_t ts_us)
{
    while (c->pending >= c->eng->lim.max_pending && c->head) {
        sf_txn *old = c->head;
        c->eng->stats.pending_overflow++;
        old->flags |= SF_FLAG_NO_RESPONSE;
        sf_txn_finish(c, old);
    }
    sf_txn *t = sf_txn_alloc(c->eng, ts_us);
    if (t)
        append(c, t);
    return t;
}

void sf_txn_add_lost_marker(sf_http_conn *c)
{
    if (c->tail && c->tail->lost)
        return;
    sf_txn *t = sf_txn_alloc(c->eng, 0);
    if (!t)
        return;
    t->lost = true;
    append(c, t);
}

sf_txn *sf_txn_for_response(sf_http_conn *c, int64_t ts_us, bool after_gap)
{
    /* Clients that do not pipeline send the next request only after the previous
     * answer: if the next request was sent before this response began, the head
     * request's answer was in the bytes we missed. */
    while (after_gap && c->head && !c->head->lost && c->head->next && !c->head->next->lost &&
           c->head->next->req_first_us <= ts_us) {
        sf_txn *t = c->head;
        t->flags |= SF_FLAG_NO_RESPONSE | SF_FLAG_GAP;
        sf_txn_finish(c, t);
    }
    while (c->head && c->head->lost) {
        sf_txn *next = c->head->next;
        if (!next || next->req_first_us > ts_us)
            return NULL;         /* answers a request we did not see */
        sf_txn *marker = c->head;
        unlink_txn(c, marker);
        sf_txn_free(c->eng, marker);
    }
    return c->head;
}

void sf_txn_finish(sf_http_conn *c, sf_txn *t)
{
    unlink_txn(c, t);
    forget_txn(c, t);
    if (!t->lost)
        sf_engine_emit(c->eng, c->flow, t);
    sf_txn_free(c->eng, t);
}

void sf_txn_discard(sf_http_conn *c, sf_txn *t)
{
    unlink_txn(c, t);
    forget_txn(c, t);
    sf_txn_free(c->eng, t);
}

void sf_txn_emit_orphan(sf_http_conn *c, sf_txn *t)
{
    t->flags |= SF_FLAG_NO_REQUEST;
    sf_engine_emit(c->eng, c->flow, t);
    sf_txn_free(c->eng, t);
}

static bool answering(const sf_http_conn *c, const sf_txn *t)
{
    for (int i = 0; i < 2; i++)
        if (!c->side[i].is_request && c->side[i].in_message && c->side[i].txn == t)
            return true;
    return false;
}

unsigned sf_txn_expire(sf_http_conn *c, int64_t deadline_us)
{
    unsigned n = 0;
    while (c->head && (c->head->lost || c->head->req_first_us <= deadline_us)) {
        sf_txn *t = c->head;
        if (deadline_us != INT64_MAX && answering(c, t))
            break;               /* a slow (streaming) response is under way: not unanswered */
        if (!t->lost) {
            t->flags |= SF_FLAG_NO_RESPONSE;
            n++;
        }
        sf_txn_finish(c, t);
    }
    return n;
}
