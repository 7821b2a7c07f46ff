/* Per-client last-minute context (see client_context.h). */
#include "collector/client_context.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 6
#define SLOT_SECONDS 10
#define BITMAP_WORDS 4
#define BITMAP_BITS (BITMAP_WORDS * 64)
#define PROBE_WINDOW 8
#define CLIENT_KEY_MAX 48

typedef struct slot {
    int64_t epoch;            /* ts / 10 s this slot counts for */
    uint32_t requests, errors, auth_failures;
    uint64_t paths[BITMAP_WORDS], not_found[BITMAP_WORDS];
} slot;

typedef struct client {
    char key[CLIENT_KEY_MAX];
    int64_t last_seen_us;
    slot slots[SLOTS];
} client;

struct sf_client_table {
    uint32_t capacity;        /* a power of two */
    uint64_t evictions;
    client *clients;
};

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

sf_client_table *sf_client_table_new(uint32_t capacity)
{
    sf_client_table *t = calloc(1, sizeof *t);
    uint32_t cap = 64;
    while (cap < capacity && cap < (1u << 24))
        cap <<= 1;
    t->capacity = cap;
    t->clients = calloc(cap, sizeof *t->clients);
    if (!t->clients) {
        free(t);
        return NULL;
    }
    return t;
}

void sf_client_table_free(sf_client_table *t)
{
    if (t) {
        free(t->clients);
        free(t);
    }
}

uint64_t sf_client_table_evictions(const sf_client_table *t) { return t->evictions; }

static client *find_or_claim(sf_client_table *t, const char *key)
{
    uint64_t h = hash_text(key);
    client *victim = NULL;
    for (uint32_t i = 0; i < PROBE_WINDOW; i++) {
        client *c = &t->clients[(h + i) & (t->capacity - 1)];
        if (c->key[0] == '\0' || strcmp(c->key, key) == 0) {
            if (c->key[0] == '\0')
                snprintf(c->key, sizeof c->key, "%s", key);
            return c;
        }
        if (!victim || c->last_seen_us < victim->last_seen_us)
            victim = c;
    }
    t->evictions++;
    memset(victim, 0, sizeof *victim);
    snprintf(victim->key, sizeof victim->key, "%s", key);
    return victim;
}

static void set_bit(uint64_t *bitmap, const char *text)
{
    uint64_t h = hash_text(text) % BITMAP_BITS;
    bitmap[h / 64] |= 1ULL << (h % 64);
}

/* Linear counting: n ~ -m ln(V) with V the fraction of zero bits. */
static double estimate_distinct(const uint64_t *bitmap)
{
    int ones = 0;
    for (int w = 0; w < BITMAP_WORDS; w++)
        ones += __builtin_popcountll(bitmap[w]);
    if (ones >= BITMAP_BITS)
        return BITMAP_BITS * log(BITMAP_BITS);
    return -BITMAP_BITS * log((double)(BITMAP_BITS - ones) / BITMAP_BITS);
}

void sf_client_observe(sf_client_table *t, const char *key, int64_t ts_us, const char *route,
                       int status, bool auth_route, sf_client_minute *out)
{
    client *c = find_or_claim(t, key && *key ? key : "-");
    int64_t epoch = ts_us / (SLOT_SECONDS * 1000000LL);
    slot *s = &c->slots[((epoch % SLOTS) + SLOTS) % SLOTS];
    if (s->epoch != epoch) {
        memset(s, 0, sizeof *s);
        s->epoch = epoch;
    }
    if (ts_us > c->last_seen_us)
        c->last_seen_us = ts_us;
    s->requests++;
    s->errors += status >= 400;
    s->auth_failures += auth_route && (status == 401 || status == 403);
    set_bit(s->paths, route);
    if (status == 404 || status == 403)
        set_bit(s->not_found, route);

    uint64_t paths[BITMAP_WORDS] = {0}, not_found[BITMAP_WORDS] = {0};
    uint32_t requests = 0, errors = 0, auth = 0;
    for (int i = 0; i < SLOTS; i++) {
        const slot *x = &c->slots[i];
        if (x->epoch <= epoch - SLOTS || x->epoch > epoch)
            continue; /* older than a minute, or "future" relative to this record */
        requests += x->requests;
        errors += x->errors;
        auth += x->auth_failures;
        for (int w = 0; w < BITMAP_WORDS; w++) {
            paths[w] |= x->paths[w];
            not_found[w] |= x->not_found[w];
        }
    }
    out->requests = requests;
    out->error_ratio = requests ? (double)errors / requests : 0;
    out->distinct_paths = estimate_distinct(paths);
    out->distinct_not_found = estimate_distinct(not_found);
    out->auth_failures = auth;
}
