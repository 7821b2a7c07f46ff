/* Rate-limit buckets (see auth_rate_limit.h): a fixed array of buckets, a chained hash
 * index over it (heads twice the capacity, so chains stay short) and a doubly linked
 * least-recently-used list, all by 32-bit index. */
#include "collector/auth_rate_limit.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX

typedef struct bucket {
    uint64_t key;
    double tokens;
    int64_t last_us;
    uint32_t prev, next;       /* LRU list: head = most recent */
    uint32_t chain;            /* next in the same hash slot */
} bucket;

struct sf_rate_limit {
    bucket *buckets;
    uint32_t *heads;
    uint32_t capacity, used, head_mask;
    uint32_t lru_head, lru_tail;
    unsigned char sip_key[crypto_shorthash_KEYBYTES];
    uint64_t evictions, refused;
};

sf_rate_limit *sf_rate_limit_new(uint32_t max_buckets)
{
    sf_rate_limit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    uint32_t heads = 16;
    while (heads < 2 * (uint64_t)max_buckets && heads < (1u << 31))
        heads <<= 1;
    rl->buckets = calloc(max_buckets, sizeof *rl->buckets);
    rl->heads = malloc(heads * sizeof *rl->heads);
    if (!rl->buckets || !rl->heads) {
        sf_rate_limit_free(rl);
        return NULL;
    }
    memset(rl->heads, 0xff, heads * sizeof *rl->heads);
    rl->capacity = max_buckets;
    rl->head_mask = heads - 1;
    rl->lru_head = rl->lru_tail = NIL;
    randombytes_buf(rl->sip_key, sizeof rl->sip_key);
    return rl;
}

void sf_rate_limit_free(sf_rate_limit *rl)
{
    if (!rl)
        return;
    free(rl->buckets);
    free(rl->heads);
    free(rl);
}

static void lru_unlink(sf_rate_limit *rl, uint32_t i)
{
    bucket *b = &rl->buckets[i];
    if (b->prev != NIL)
        rl->buckets[b->prev].next = b->next;
    else
        rl->lru_head = b->next;
    if (b->next != NIL)
        rl->buckets[b->next].prev = b->prev;
    else
        rl->lru_tail = b->prev;
}

static void lru_push_front(sf_rate_limit *rl, uint32_t i)
{
    bucket *b = &rl->buckets[i];
    b->prev = NIL;
    b->next = rl->lru_head;
    if (rl->lru_head != NIL)
        rl->buckets[rl->lru_head].prev = i;
    rl->lru_head = i;
    if (rl->lru_tail == NIL)
        rl->lru_tail = i;
}

static void chain_remove(sf_rate_limit *rl, uint32_t i)
{
    uint32_t *link = &rl->heads[rl->buckets[i].key & rl->head_mask];
    while (*link != NIL && *link != i)
        link = &rl->buckets[*link].chain;
    if (*link == i)
        *link = rl->buckets[i].chain;
}

/* The bucket of key, made (full) if new; the least recently used makes room. */
static uint32_t bucket_for(sf_rate_limit *rl, uint64_t key, double full, int64_t now_us)
{
    uint32_t slot = (uint32_t)(key & rl->head_mask);
    for (uint32_t i = rl->heads[slot]; i != NIL; i = rl->buckets[i].chain)
        if (rl->buckets[i].key == key) {
            lru_unlink(rl, i);
            lru_push_front(rl, i);
            return i;
        }
    uint32_t i;
    if (rl->used < rl->capacity) {
        i = rl->used++;
    } else {
        i = rl->lru_tail;
        lru_unlink(rl, i);
        chain_remove(rl, i);
        rl->evictions++;
    }
    bucket *b = &rl->buckets[i];
    b->key = key;
    b->tokens = full;
    b->last_us = now_us;
    b->chain = rl->heads[slot];
    rl->heads[slot] = i;
    lru_push_front(rl, i);
    return i;
}

sf_rate_verdict sf_rate_limit_take(sf_rate_limit *rl, const void *key, size_t key_len,
                                   int64_t per_minute, int64_t now_us)
{
    uint64_t h;
    crypto_shorthash((unsigned char *)&h, key, key_len, rl->sip_key);
    double full = (double)per_minute, per_us = full / 60e6;
    bucket *b = &rl->buckets[bucket_for(rl, h, full, now_us)];
    if (now_us > b->last_us) {
        b->tokens = fmin(full, b->tokens + (double)(now_us - b->last_us) * per_us);
        b->last_us = now_us;
    }
    sf_rate_verdict v = {.limit = per_minute};
    v.allowed = b->tokens >= 1.0;
    if (v.allowed)
        b->tokens -= 1.0;
    else
        rl->refused++;
    v.remaining = (int64_t)floor(b->tokens);
    v.reset_s = (int64_t)ceil((full - b->tokens) / (per_us * 1e6));
    v.retry_after_s = v.allowed ? 0 : (int64_t)ceil((1.0 - b->tokens) / (per_us * 1e6));
    if (!v.allowed && v.retry_after_s < 1)
        v.retry_after_s = 1;
    return v;
}

void sf_rate_limit_get_stats(const sf_rate_limit *rl, sf_rate_limit_stats *out)
{
    out->buckets = rl->used;
    out->capacity = rl->capacity;
    out->bytes = (uint64_t)rl->capacity * sizeof(bucket) + ((uint64_t)rl->head_mask + 1) * sizeof(uint32_t);
    out->evictions = rl->evictions;
    out->refused = rl->refused;
}
