/* Connections that ended (both FINs, or a reset), remembered for a while with just
 * their sequence numbers: a retransmission that comes after the end then finds its
 * connection and is counted as one, instead of opening a new connection that reports
 * the same request twice. A new connection on the same port pair (a SYN with another
 * ISN, or data far from where the old one ended) replaces the memory.
 *
 * Kept apart from the flow table, so live lookups never walk past ended connections:
 * this table is asked only when the flow table has no entry. Bounded in entries; the
 * oldest are forgotten first (when full, when the memory budget is hit, after ttl). */
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
    struct sf_tw_entry *hash_next, *older, *newer;   /* hash chain; age list */
    sf_flow_key key;
    uint32_t hash;
    int64_t ended_us;
    sf_tw_dir dir[2];
} sf_tw_entry;

typedef struct sf_tw_table {
    sf_tw_entry **buckets;
    uint32_t mask, count, max;
    sf_tw_entry *oldest, *newest;
} sf_tw_table;

int sf_tw_init(sf_tw_table *t, uint32_t max_entries);
void sf_tw_destroy(sf_tw_table *t);
/* Remembers an ended flow (forgetting the oldest entry when full). Returns the bytes
 * now held more (to charge to the memory budget; 0 or negative when one was reused). */
long sf_tw_add(sf_tw_table *t, const sf_flow *f, int64_t now_us);
/* The ended connection of a packet from (src,sport) to (dst,dport), *side as in
 * sf_flow_lookup; NULL if none. */
sf_tw_entry *sf_tw_lookup(sf_tw_table *t, uint8_t family, const uint8_t *src, uint16_t sport,
                          const uint8_t *dst, uint16_t dport, int *side);
/* Forgets one entry; returns the bytes freed. */
size_t sf_tw_remove(sf_tw_table *t, sf_tw_entry *e);
/* Forgets entries that ended before before_us; returns the bytes freed. */
size_t sf_tw_expire(sf_tw_table *t, int64_t before_us);

#endif
