/* Connections that ended (both FINs, or a reset), remembered for a while with just
 * their sequence numbers: a retransmission that comes after the end then finds its
 * connection and is counted as one, instead of opening a new connection that reports
 * the same request twice. A new connection on the same port pair (a SYN with another
 * ISN, or data far from where the old one ended) replaces the memory.
 *
 * Kept apart from the flow table, so live lookups never walk past ended connections:
 * this table is asked only when the flow table has no entry. Connections end in time
 * order and are forgotten oldest first, so they live in a ring (one allocation, made on
 * first use: per-entry allocations living 30 s among the per-transaction ones cost the
 * hot path several percent). When the ring is full the oldest is forgotten early. */
#ifndef SF_TIME_WAIT_H
#define SF_TIME_WAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sensor/flow_table.h"

typedef struct sf_tw_dir {
    uint32_t next_seq, isn;
    bool have_seq, syn_seen;
} sf_tw_dir;

typedef struct sf_tw_entry {
    uint32_t hash_next;          /* index + 1 of the next entry in the chain, 0 = none */
    uint32_t hash;
    bool live;                   /* false: forgotten, its slot waits to leave the ring */
    sf_flow_key key;
    int64_t ended_us;
    sf_tw_dir dir[2];
} sf_tw_entry;

typedef struct sf_tw_table {
    sf_tw_entry *ring;           /* NULL until the first connection ends */
    uint32_t *buckets;           /* index + 1 of the first entry, 0 = none */
    uint32_t cap, mask;
    uint32_t head, count;        /* ring slots in use: [head, head + count), oldest first */
    uint32_t live;
} sf_tw_table;

void sf_tw_init(sf_tw_table *t, uint32_t capacity);
void sf_tw_destroy(sf_tw_table *t);
/* Bytes the ring and its hash take once allocated. */
size_t sf_tw_bytes(const sf_tw_table *t);
/* Remembers an ended flow. Allocates the ring on first use if may_allocate (else
 * remembers nothing). Returns the bytes allocated by this call, to charge to the
 * memory budget. */
size_t sf_tw_add(sf_tw_table *t, const sf_flow *f, int64_t now_us, bool may_allocate);
/* The ended connection of a packet from (src,sport) to (dst,dport), *side as in
 * sf_flow_lookup; NULL if none. */
sf_tw_entry *sf_tw_lookup(sf_tw_table *t, uint8_t family, const uint8_t *src, uint16_t sport,
                          const uint8_t *dst, uint16_t dport, int *side);
/* Forgets one entry (a new connection took its port pair). */
void sf_tw_forget(sf_tw_table *t, sf_tw_entry *e);
/* Forgets the entries that ended before before_us. */
void sf_tw_expire(sf_tw_table *t, int64_t before_us);
/* Forgets everything and frees the ring; returns the bytes freed (memory pressure). */
size_t sf_tw_release(sf_tw_table *t);

#endif
