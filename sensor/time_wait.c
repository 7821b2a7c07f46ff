/* Ended connections (see time_wait.h): a fixed-size chained hash on the flow hash, and
 * a list from oldest to newest for expiry. */
#include "sensor/time_wait.h"

#include <stdlib.h>
#include <string.h>

int sf_tw_init(sf_tw_table *t, uint32_t max_entries)
{
    memset(t, 0, sizeof *t);
    uint32_t size = 1024;
    while (size < max_entries && size < (1u << 20))
        size *= 2;
    t->buckets = calloc(size, sizeof *t->buckets);
    if (!t->buckets)
        return -1;
    t->mask = size - 1;
    t->max = max_entries ? max_entries : 1;
    return 0;
}

void sf_tw_destroy(sf_tw_table *t)
{
    while (t->oldest)
        sf_tw_remove(t, t->oldest);
    free(t->buckets);
    t->buckets = NULL;
}

static int same_endpoint(const sf_flow_key *k, int side, const uint8_t *addr, uint16_t port, int n)
{
    return k->port[side] == port && memcmp(k->addr[side], addr, (size_t)n) == 0;
}

sf_tw_entry *sf_tw_lookup(sf_tw_table *t, uint8_t family, const uint8_t *src, uint16_t sport,
                          const uint8_t *dst, uint16_t dport, int *side)
{
    if (!t->count)
        return NULL;
    int n = family == 4 ? 4 : 16;
    uint32_t h = sf_flow_hash(family, src, sport, dst, dport);
    for (sf_tw_entry *e = t->buckets[h & t->mask]; e; e = e->hash_next) {
        if (e->hash != h || e->key.family != family)
            continue;
        if (same_endpoint(&e->key, 0, src, sport, n) && same_endpoint(&e->key, 1, dst, dport, n)) {
            *side = 0;
            return e;
        }
        if (same_endpoint(&e->key, 1, src, sport, n) && same_endpoint(&e->key, 0, dst, dport, n)) {
            *side = 1;
            return e;
        }
    }
    return NULL;
}

size_t sf_tw_remove(sf_tw_table *t, sf_tw_entry *e)
{
    for (sf_tw_entry **pp = &t->buckets[e->hash & t->mask]; *pp; pp = &(*pp)->hash_next)
        if (*pp == e) {
            *pp = e->hash_next;
            break;
        }
    if (e->older)
        e->older->newer = e->newer;
    else
        t->oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        t->newest = e->older;
    t->count--;
    free(e);
    return sizeof *e;
}

long sf_tw_add(sf_tw_table *t, const sf_flow *f, int64_t now_us)
{
    long freed = 0;
    while (t->count >= t->max && t->oldest)
        freed += (long)sf_tw_remove(t, t->oldest);
    sf_tw_entry *e = calloc(1, sizeof *e);
    if (!e)
        return -freed;
    e->key = f->key;
    e->hash = f->hash;
    e->ended_us = now_us;
    for (int i = 0; i < 2; i++) {
        e->dir[i].next_seq = f->tcp[i].next_seq;
        e->dir[i].isn = f->tcp[i].isn;
        e->dir[i].have_seq = f->tcp[i].have_seq;
        e->dir[i].syn_seen = f->tcp[i].syn_seen;
    }
    e->hash_next = t->buckets[e->hash & t->mask];
    t->buckets[e->hash & t->mask] = e;
    e->older = t->newest;
    if (t->newest)
        t->newest->newer = e;
    else
        t->oldest = e;
    t->newest = e;
    t->count++;
    return (long)sizeof *e - freed;
}

size_t sf_tw_expire(sf_tw_table *t, int64_t before_us)
{
    size_t freed = 0;
    while (t->oldest && t->oldest->ended_us < before_us)
        freed += sf_tw_remove(t, t->oldest);
    return freed;
}
