/* Clients as the detectors see them (see detect_clients.h). */
#include "collector/detect_clients.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/detect_slots.h"
#include "common/text_hash.h"

#define SLOTS 6
#define SLOT_SECONDS 10
#define BITMAP_WORDS 4
#define BITMAP_BITS (BITMAP_WORDS * 64)
#define PROBE_WINDOW 8
#define EXACT_PATHS 16       /* error paths counted exactly (beyond: the bitmaps' estimate) */

typedef struct slot {
    int64_t epoch;            /* ts / 10 s this slot counts for */
    uint32_t requests, errors, auth_failures;
    uint64_t paths[BITMAP_WORDS], error_paths[BITMAP_WORDS];
} slot;

typedef struct client {
    char key[SF_CLIENT_KEY_MAX];
    int64_t last_seen_us;
    int64_t bucket_us;        /* when the bucket level was last drained */
    double bucket;
    uint32_t error_path_hash[EXACT_PATHS];   /* the last minute's error paths, exactly */
    uint32_t error_path_epoch[EXACT_PATHS];  /* their 10 s epoch (0: free) */
    slot slots[SLOTS];
} client;

struct sf_client_table {
    uint32_t capacity;        /* a power of two */
    uint64_t evictions;
    client *clients;
};


bool sf_client_is_loopback(const char *a)
{
    return strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
           strncmp(a, "::ffff:127.", 11) == 0;
}

/* A proxy's address: loopback or a private network (RFC 1918, fc00::/7). */
static bool is_proxy_address(const char *a)
{
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, a, &v4) == 1) {
        uint32_t x = ntohl(v4.s_addr);
        return (x >> 24) == 127 || (x >> 24) == 10 || (x >> 20) == (172u << 4 | 1) ||
               (x >> 16) == (192u << 8 | 168);
    }
    if (inet_pton(AF_INET6, a, &v6) == 1)
        return sf_client_is_loopback(a) || (v6.s6_addr[0] & 0xfe) == 0xfc;
    return false;
}

/* The first hop of an X-Forwarded-For list, if it is an address. */
static bool forwarded_for(const char *xff, char out[SF_CLIENT_ADDRESS_MAX])
{
    while (*xff == ' ')
        xff++;
    size_t n = strcspn(xff, ", ");
    if (n == 0 || n >= SF_CLIENT_ADDRESS_MAX)
        return false;
    char candidate[SF_CLIENT_ADDRESS_MAX];
    memcpy(candidate, xff, n);
    candidate[n] = '\0';
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, candidate, buf) != 1 && inet_pton(AF_INET6, candidate, buf) != 1)
        return false;
    memcpy(out, candidate, n + 1);
    return true;
}

void sf_client_identity(const sf_record *rec, char address[SF_CLIENT_ADDRESS_MAX],
                        char key[SF_CLIENT_KEY_MAX])
{
    const char *peer = rec->client_ip ? rec->client_ip : rec->ip_address;
    address[0] = key[0] = '\0';
    if (!peer || !*peer)
        return;
    if (!(rec->x_forwarded_for && is_proxy_address(peer) &&
          forwarded_for(rec->x_forwarded_for, address))) {
        size_t n = strnlen(peer, SF_CLIENT_ADDRESS_MAX - 1);
        memcpy(address, peer, n);
        address[n] = '\0';
    }
    /* address|8 hex digits of the user agent's hash (no printf: this runs per record) */
    uint64_t ua = sf_text_hash(rec->user_agent ? rec->user_agent : "");
    uint32_t h = (uint32_t)(ua ^ (ua >> 32));
    size_t n = strlen(address);
    memcpy(key, address, n);
    key[n++] = '|';
    for (int i = 7; i >= 0; i--, h >>= 4)
        key[n + (size_t)i] = "0123456789abcdef"[h & 15];
    key[n + 8] = '\0';
}

sf_client_table *sf_client_table_new(uint32_t capacity)
{
    sf_client_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->clients = sf_slots_alloc(capacity, 64, (1u << 24), sizeof *t->clients, &t->capacity);
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
    uint64_t h = sf_text_hash(key);
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
    uint64_t h = sf_text_hash(text) % BITMAP_BITS;
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

/* The bucket drains at leak_per_s in traffic time; a record older than the last one
 * (batches arrive slightly out of order) drains nothing. */
static double fill_bucket(client *c, int64_t ts_us, double leak_per_s)
{
    if (ts_us > c->bucket_us) {
        if (c->bucket_us)
            c->bucket -= (double)(ts_us - c->bucket_us) / 1e6 * leak_per_s;
        if (c->bucket < 0)
            c->bucket = 0;
        c->bucket_us = ts_us;
    }
    return c->bucket += 1;
}

/* Notes an error path and returns how many distinct ones the last minute holds, exactly
 * up to EXACT_PATHS (linear counting is only an estimate: at the scan threshold a hash
 * collision would hide a probe). */
static int exact_error_paths(client *c, const char *path, uint32_t epoch)
{
    uint32_t h = (uint32_t)(sf_text_hash(path) >> 16) | 1u;
    int free_at = -1, oldest = 0, distinct = 0;
    bool seen = false;
    for (int i = 0; i < EXACT_PATHS; i++) {
        bool live = c->error_path_epoch[i] && c->error_path_epoch[i] + SLOTS > epoch;
        if (live && c->error_path_hash[i] == h) {
            c->error_path_epoch[i] = epoch;
            seen = true;
        }
        if (!live && free_at < 0)
            free_at = i;
        if (c->error_path_epoch[i] < c->error_path_epoch[oldest])
            oldest = i;
    }
    if (!seen) {
        int at = free_at >= 0 ? free_at : oldest;
        c->error_path_hash[at] = h;
        c->error_path_epoch[at] = epoch;
    }
    for (int i = 0; i < EXACT_PATHS; i++)
        distinct += c->error_path_epoch[i] && c->error_path_epoch[i] + SLOTS > epoch;
    return distinct;
}

void sf_client_observe(sf_client_table *t, const char *key, int64_t ts_us, const char *route,
                       int status, bool auth_failure, double leak_per_s, sf_client_minute *out)
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
    s->auth_failures += auth_failure;
    set_bit(s->paths, route);
    int exact = -1;
    if (status == 404 || status == 403 || status == 400) {
        set_bit(s->error_paths, route);
        exact = exact_error_paths(c, route, (uint32_t)epoch);
    }

    uint64_t paths[BITMAP_WORDS] = {0}, error_paths[BITMAP_WORDS] = {0};
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
            error_paths[w] |= x->error_paths[w];
        }
    }
    out->requests = requests;
    out->error_ratio = requests ? (double)errors / requests : 0;
    out->distinct_paths = estimate_distinct(paths);
    out->distinct_error_paths = estimate_distinct(error_paths);
    if (exact >= 0 && exact < EXACT_PATHS)
        out->distinct_error_paths = exact;
    else if (exact > out->distinct_error_paths)
        out->distinct_error_paths = exact;
    out->auth_failures = auth;
    out->bucket = fill_bucket(c, ts_us, leak_per_s);
}

/* ---- per-address buckets ---- */

typedef struct bucket {
    char key[SF_CLIENT_ADDRESS_MAX];
    int64_t last_us;
    double level;
} bucket;

struct sf_bucket_table {
    uint32_t capacity;
    uint64_t evictions;     /* addresses forgotten to make room */
    bucket *items;
};

sf_bucket_table *sf_bucket_table_new(uint32_t capacity)
{
    sf_bucket_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->items = sf_slots_alloc(capacity, 64, (1u << 24), sizeof *t->items, &t->capacity);
    if (!t->items) {
        free(t);
        return NULL;
    }
    return t;
}

uint64_t sf_bucket_table_evictions(const sf_bucket_table *t) { return t->evictions; }

void sf_bucket_table_free(sf_bucket_table *t)
{
    if (t) {
        free(t->items);
        free(t);
    }
}

double sf_bucket_fill(sf_bucket_table *t, const char *key, int64_t ts_us, double leak_per_s)
{
    uint64_t h = sf_text_hash(key);
    bucket *b = NULL, *victim = NULL;
    for (uint32_t i = 0; i < PROBE_WINDOW && !b; i++) {
        bucket *x = &t->items[(h + i) & (t->capacity - 1)];
        if (x->key[0] == '\0' || strcmp(x->key, key) == 0)
            b = x;
        else if (!victim || x->last_us < victim->last_us)
            victim = x;
    }
    if (!b) {
        b = victim;
        b->key[0] = '\0';
        t->evictions++;
    }
    if (b->key[0] == '\0') {
        size_t n = strnlen(key, SF_CLIENT_ADDRESS_MAX - 1);
        memcpy(b->key, key, n);
        b->key[n] = '\0';
        b->last_us = 0;
        b->level = 0;
    }
    if (ts_us > b->last_us) {
        if (b->last_us)
            b->level -= (double)(ts_us - b->last_us) / 1e6 * leak_per_s;
        if (b->level < 0)
            b->level = 0;
        b->last_us = ts_us;
    }
    return b->level += 1;
}
