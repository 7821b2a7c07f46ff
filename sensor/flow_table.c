/* Connection table: chained hash on a direction-independent hash of the two
 * endpoints, plus an intrusive LRU list. The bucket array starts small (it stays in
 * cache) and doubles when there are more flows than buckets, up to the flow budget:
 * a rehash costs a few milliseconds at a million flows and happens twenty times at most. */
#include "sensor/flow_table.h"

#include <stdlib.h>
#include <string.h>

static uint32_t mix_endpoint(const uint8_t *addr, int addr_len, uint16_t port)
{
    uint32_t h = 2166136261u ^ port;   /* FNV-1a over address and port */
    for (int i = 0; i < addr_len; i++)
        h = (h ^ addr[i]) * 16777619u;
    h = (h ^ (port >> 8)) * 16777619u;
    return h ^ (h >> 15);
}

uint32_t sf_flow_hash(uint8_t family, const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb)
{
    int n = family == 4 ? 4 : 16;
    uint32_t x = mix_endpoint(a, n, pa), y = mix_endpoint(b, n, pb);
    uint32_t h = x + y;   /* addition does not care which endpoint comes first */
    h ^= h >> 16;
    h *= 0x7feb352d;
    h ^= h >> 15;
    return h;
}

int sf_flow_table_init(sf_flow_table *t, uint32_t max_flows)
{
    memset(t, 0, sizeof *t);
    uint32_t size = 4096;
    t->buckets = calloc(size, sizeof *t->buckets);
    if (!t->buckets)
        return -1;
    t->mask = size - 1;
    t->max_flows = max_flows;
    return 0;
}

void sf_flow_table_destroy(sf_flow_table *t)
{
    while (t->lru_head)
        sf_flow_remove(t, t->lru_head);
    free(t->buckets);
    t->buckets = NULL;
}

static int same_endpoint(const sf_flow_key *k, int side, const uint8_t *addr, uint16_t port, int n)
{
    return k->port[side] == port && memcmp(k->addr[side], addr, (size_t)n) == 0;
}

sf_flow *sf_flow_lookup(sf_flow_table *t, uint8_t family, const uint8_t *src, uint16_t sport,
                        const uint8_t *dst, uint16_t dport, int *side)
{
    int n = family == 4 ? 4 : 16;
    uint32_t h = sf_flow_hash(family, src, sport, dst, dport);
    for (sf_flow *f = t->buckets[h & t->mask]; f; f = f->hash_next) {
        if (f->hash != h || f->key.family != family)
            continue;
        if (same_endpoint(&f->key, 0, src, sport, n) && same_endpoint(&f->key, 1, dst, dport, n)) {
            *side = 0;
            return f;
        }
        if (same_endpoint(&f->key, 1, src, sport, n) && same_endpoint(&f->key, 0, dst, dport, n)) {
            *side = 1;
            return f;
        }
    }
    return NULL;
}

static void lru_unlink(sf_flow_table *t, sf_flow *f)
{
    if (f->lru_prev)
        f->lru_prev->lru_next = f->lru_next;
    else
        t->lru_head = f->lru_next;
    if (f->lru_next)
        f->lru_next->lru_prev = f->lru_prev;
    else
        t->lru_tail = f->lru_prev;
    f->lru_prev = f->lru_next = NULL;
}

static void lru_push_head(sf_flow_table *t, sf_flow *f)
{
    f->lru_prev = NULL;
    f->lru_next = t->lru_head;
    if (t->lru_head)
        t->lru_head->lru_prev = f;
    t->lru_head = f;
    if (!t->lru_tail)
        t->lru_tail = f;
}

static void grow(sf_flow_table *t)
{
    uint32_t size = (t->mask + 1) * 2;
    sf_flow **b = calloc(size, sizeof *b);
    if (!b)
        return;                  /* keep the longer chains */
    for (uint32_t i = 0; i <= t->mask; i++)
        for (sf_flow *f = t->buckets[i], *next; f; f = next) {
            next = f->hash_next;
            f->hash_next = b[f->hash & (size - 1)];
            b[f->hash & (size - 1)] = f;
        }
    free(t->buckets);
    t->buckets = b;
    t->mask = size - 1;
}

sf_flow *sf_flow_insert(sf_flow_table *t, uint8_t family, const uint8_t *src, uint16_t sport,
                        const uint8_t *dst, uint16_t dport, int64_t now_us)
{
    if (t->count > t->mask && t->mask + 1 < t->max_flows && t->mask < (1u << 29))
        grow(t);
    sf_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    int n = family == 4 ? 4 : 16;
    f->key.family = family;
    memcpy(f->key.addr[0], src, (size_t)n);
    memcpy(f->key.addr[1], dst, (size_t)n);
    f->key.port[0] = sport;
    f->key.port[1] = dport;
    f->hash = sf_flow_hash(family, src, sport, dst, dport);
    f->client = SF_SIDE_UNKNOWN;
    f->first_us = f->last_us = now_us;
    f->id = ++t->next_id;
    f->hash_next = t->buckets[f->hash & t->mask];
    t->buckets[f->hash & t->mask] = f;
    lru_push_head(t, f);
    t->count++;
    return f;
}

void sf_flow_touch(sf_flow_table *t, sf_flow *f, int64_t now_us)
{
    if (now_us > f->last_us)
        f->last_us = now_us;
    if (t->lru_head != f) {
        lru_unlink(t, f);
        lru_push_head(t, f);
    }
}

void sf_flow_remove(sf_flow_table *t, sf_flow *f)
{
    for (sf_flow **pp = &t->buckets[f->hash & t->mask]; *pp; pp = &(*pp)->hash_next)
        if (*pp == f) {
            *pp = f->hash_next;
            break;
        }
    lru_unlink(t, f);
    t->count--;
    free(f);
}
