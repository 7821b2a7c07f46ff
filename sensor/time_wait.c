/* Ended connections (see time_wait.h): a ring of entries in the order they ended, and
 * a chained hash over it by index. */
#include "sensor/time_wait.h"

#include <stdlib.h>
#include <string.h>

void sf_tw_init(sf_tw_table *t, uint32_t capacity)
{
    memset(t, 0, sizeof *t);
    t->cap = capacity ? capacity : 1;
}

static uint32_t bucket_count(uint32_t cap)
{
    uint32_t size = 1;
    while (size < cap)
        size *= 2;
    return size;
}

size_t sf_tw_bytes(const sf_tw_table *t)
{
    return (size_t)t->cap * sizeof *t->ring + (size_t)bucket_count(t->cap) * sizeof *t->buckets;
}

size_t sf_tw_release(sf_tw_table *t)
{
    if (!t->ring)
        return 0;
    size_t bytes = sf_tw_bytes(t);
    free(t->ring);
    free(t->buckets);
    t->ring = NULL;
    t->buckets = NULL;
    t->mask = t->head = t->count = t->live = 0;
    return bytes;
}

void sf_tw_destroy(sf_tw_table *t) { sf_tw_release(t); }

static int same_endpoint(const sf_flow_key *k, int side, const uint8_t *addr, uint16_t port, int n)
{
    return k->port[side] == port && memcmp(k->addr[side], addr, (size_t)n) == 0;
}

sf_tw_entry *sf_tw_lookup(sf_tw_table *t, uint8_t family, const uint8_t *src, uint16_t sport,
                          const uint8_t *dst, uint16_t dport, int *side)
{
    if (!t->live)
        return NULL;
    int n = family == 4 ? 4 : 16;
    uint32_t h = sf_flow_hash(family, src, sport, dst, dport);
    for (uint32_t i = t->buckets[h & t->mask]; i; i = t->ring[i - 1].hash_next) {
        sf_tw_entry *e = &t->ring[i - 1];
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

void sf_tw_forget(sf_tw_table *t, sf_tw_entry *e)
{
    if (!e->live)
        return;
    uint32_t idx = (uint32_t)(e - t->ring) + 1;
    for (uint32_t *p = &t->buckets[e->hash & t->mask]; *p; p = &t->ring[*p - 1].hash_next)
        if (*p == idx) {
            *p = e->hash_next;
            break;
        }
    e->live = false;
    t->live--;
}

static void pop_oldest(sf_tw_table *t)
{
    sf_tw_forget(t, &t->ring[t->head]);
    t->head = (t->head + 1) % t->cap;
    t->count--;
}

void sf_tw_expire(sf_tw_table *t, int64_t before_us)
{
    while (t->count && (!t->ring[t->head].live || t->ring[t->head].ended_us < before_us))
        pop_oldest(t);
}

size_t sf_tw_add(sf_tw_table *t, const sf_flow *f, int64_t now_us, bool may_allocate)
{
    size_t allocated = 0;
    if (!t->ring) {
        if (!may_allocate)
            return 0;
        uint32_t size = bucket_count(t->cap);
        t->ring = calloc(t->cap, sizeof *t->ring);
        t->buckets = calloc(size, sizeof *t->buckets);
        if (!t->ring || !t->buckets) {
            free(t->ring);
            free(t->buckets);
            t->ring = NULL;
            t->buckets = NULL;
            return 0;            /* nothing remembered: late copies look like new flows */
        }
        t->mask = size - 1;
        allocated = sf_tw_bytes(t);
    }
    if (t->count == t->cap)
        pop_oldest(t);
    uint32_t slot = (t->head + t->count) % t->cap;
    sf_tw_entry *e = &t->ring[slot];
    e->key = f->key;
    e->hash = f->hash;
    e->ended_us = now_us;
    e->live = true;
    for (int i = 0; i < 2; i++) {
        e->dir[i].next_seq = f->tcp[i].next_seq;
        e->dir[i].isn = f->tcp[i].isn;
        e->dir[i].have_seq = f->tcp[i].have_seq;
        e->dir[i].syn_seen = f->tcp[i].syn_seen;
    }
    e->hash_next = t->buckets[e->hash & t->mask];
    t->buckets[e->hash & t->mask] = slot + 1;
    t->count++;
    t->live++;
    return allocated;
}
