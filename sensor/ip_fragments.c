/* IP fragment reassembly. Each datagram in progress keeps one buffer and a bitmap of
 * the 8-byte blocks already filled (fragment offsets are multiples of 8); bytes already
 * present are never overwritten, so the first copy wins. Datagrams expire after a
 * timeout, and the oldest is dropped when the memory budget would be exceeded. */
#include "sensor/ip_fragments.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DATAGRAM 65535u
#define BLOCKS ((MAX_DATAGRAM + 7) / 8 + 1)

typedef struct frag_dgram {
    struct frag_dgram *next;
    sf_frag_key key;
    int64_t first_us;
    uint32_t total;          /* payload length once the last fragment is seen, else 0 */
    uint32_t size;           /* bytes allocated in data */
    uint8_t *data;
    uint8_t filled[BLOCKS / 8 + 1];
} frag_dgram;

struct sf_frag_table {
    frag_dgram *head;        /* oldest first */
    size_t memory, memory_max;
    int64_t timeout_us;
    uint8_t *done;           /* last completed datagram, returned to the caller */
};

sf_frag_table *sf_frags_new(size_t memory_max, int64_t timeout_us)
{
    sf_frag_table *t = calloc(1, sizeof *t);
    if (t) {
        t->memory_max = memory_max;
        t->timeout_us = timeout_us;
    }
    return t;
}

static void dgram_free(sf_frag_table *t, frag_dgram *d)
{
    t->memory -= sizeof *d + d->size;
    free(d->data);
    free(d);
}

void sf_frags_free(sf_frag_table *t)
{
    if (!t)
        return;
    while (t->head) {
        frag_dgram *d = t->head;
        t->head = d->next;
        dgram_free(t, d);
    }
    free(t->done);
    free(t);
}

size_t sf_frags_memory(const sf_frag_table *t) { return t->memory; }

static void unlink_dgram(sf_frag_table *t, frag_dgram *d)
{
    for (frag_dgram **pp = &t->head; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            return;
        }
}

/* Drops datagrams that timed out, and the oldest ones while over budget. */
static void expire(sf_frag_table *t, int64_t now_us, size_t need, sf_sensor_stats *stats)
{
    while (t->head && (t->head->first_us + t->timeout_us < now_us || t->memory + need > t->memory_max)) {
        frag_dgram *d = t->head;
        t->head = d->next;
        dgram_free(t, d);
        stats->ip_fragments_dropped++;
    }
}

static frag_dgram *find_or_add(sf_frag_table *t, const sf_frag_key *key, int64_t now_us)
{
    frag_dgram **tail = &t->head;
    for (frag_dgram *d = t->head; d; d = d->next) {
        if (memcmp(&d->key, key, sizeof *key) == 0)
            return d;
        tail = &d->next;
    }
    frag_dgram *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->key = *key;
    d->first_us = now_us;
    *tail = d;
    t->memory += sizeof *d;
    return d;
}

static int grow(sf_frag_table *t, frag_dgram *d, uint32_t end)
{
    if (end <= d->size)
        return 0;
    uint32_t size = end < 2048 ? 2048 : (end > MAX_DATAGRAM / 2 ? MAX_DATAGRAM : end * 2);
    if (size > MAX_DATAGRAM)
        size = MAX_DATAGRAM;
    uint8_t *p = realloc(d->data, size);
    if (!p)
        return -1;
    t->memory += size - d->size;
    d->data = p;
    d->size = size;
    return 0;
}

static int complete(const frag_dgram *d)
{
    if (!d->total)
        return 0;
    for (uint32_t b = 0; b < (d->total + 7) / 8; b++)
        if (!(d->filled[b / 8] & (1u << (b % 8))))
            return 0;
    return 1;
}

/* Copies the blocks not filled yet (first copy wins). */
static void fill(frag_dgram *d, uint32_t offset, const uint8_t *data, uint32_t len)
{
    for (uint32_t pos = 0; pos < len;) {
        uint32_t block = (offset + pos) / 8;
        uint32_t chunk = 8 - (offset + pos) % 8;
        if (chunk > len - pos)
            chunk = len - pos;
        if (!(d->filled[block / 8] & (1u << (block % 8)))) {
            memcpy(d->data + offset + pos, data + pos, chunk);
            if ((offset + pos + chunk) % 8 == 0 || offset + pos + chunk == offset + len)
                d->filled[block / 8] |= (uint8_t)(1u << (block % 8));
        }
        pos += chunk;
    }
}

int sf_frags_add(sf_frag_table *t, const sf_frag_key *key, uint32_t offset, int more,
                 const uint8_t *data, size_t len, int64_t now_us, const uint8_t **out,
                 size_t *out_len, sf_sensor_stats *stats)
{
    stats->ip_fragments++;
    if (offset + len > MAX_DATAGRAM || (more && len % 8) || len == 0) {
        stats->ip_fragments_dropped++;
        return 0;
    }
    expire(t, now_us, sizeof(frag_dgram) + offset + len, stats);
    frag_dgram *d = find_or_add(t, key, now_us);
    if (!d || grow(t, d, (uint32_t)(offset + len)) < 0) {
        stats->ip_fragments_dropped++;
        return 0;
    }
    if (!more && !d->total)
        d->total = (uint32_t)(offset + len);
    fill(d, offset, data, (uint32_t)len);
    if (!complete(d))
        return 0;
    unlink_dgram(t, d);
    free(t->done);
    t->done = d->data;      /* hand the buffer over instead of copying */
    t->memory -= d->size;
    d->size = 0;
    d->data = NULL;
    *out = t->done;
    *out_len = d->total;
    dgram_free(t, d);
    stats->ip_reassembled++;
    return 1;
}
