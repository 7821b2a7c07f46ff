/* The connection table: TCP connections by their address/port pair (either direction),
 * kept in least-recently-used order so idle ones expire and, when a budget is exceeded,
 * the oldest are evicted first. */
#ifndef SF_FLOW_TABLE_H
#define SF_FLOW_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "sensor/tcp_stream.h"

struct sf_http_conn;

typedef struct sf_flow_key {
    uint8_t addr[2][16];    /* side 0 = sender of the first packet seen */
    uint16_t port[2];
    uint8_t family;
} sf_flow_key;

#define SF_SIDE_UNKNOWN 2

typedef struct sf_flow {
    struct sf_flow *hash_next;
    struct sf_flow *lru_prev, *lru_next;   /* head = most recent */
    sf_flow_key key;
    uint32_t hash;
    uint8_t client;          /* side of the client, or SF_SIDE_UNKNOWN */
    bool ignored;            /* not HTTP (or sampled out): packets only counted */
    bool midstream;          /* no SYN seen */
    bool closing;            /* RST or both FINs: ends after this packet (time_wait.h) */
    int64_t first_us, last_us;
    uint64_t id;
    sf_tcp_dir tcp[2];
    struct sf_http_conn *http;
    void *dump;              /* stream-dump state, when that mode is on */
} sf_flow;

typedef struct sf_flow_table {
    sf_flow **buckets;
    uint32_t mask;
    uint32_t count, max_flows;
    uint64_t next_id;
    sf_flow *lru_head, *lru_tail;
} sf_flow_table;

int sf_flow_table_init(sf_flow_table *t, uint32_t max_flows);
void sf_flow_table_destroy(sf_flow_table *t);   /* frees the flow structs only */

/* Finds the flow of a packet from (src,sport) to (dst,dport); *side gets the packet's
 * side in that flow. NULL if absent. */
sf_flow *sf_flow_lookup(sf_flow_table *t, uint8_t family, const uint8_t *src, uint16_t sport,
                        const uint8_t *dst, uint16_t dport, int *side);
/* Adds a flow whose side 0 is (src,sport); the caller checked it is absent and that
 * there is room (count < max_flows). NULL on allocation failure. */
sf_flow *sf_flow_insert(sf_flow_table *t, uint8_t family, const uint8_t *src, uint16_t sport,
                        const uint8_t *dst, uint16_t dport, int64_t now_us);
/* Marks the flow as just used (moves it to the head of the LRU list). */
void sf_flow_touch(sf_flow_table *t, sf_flow *f, int64_t now_us);
/* Unlinks and frees the flow struct (its contents must be released before). */
void sf_flow_remove(sf_flow_table *t, sf_flow *f);
/* Hash that is the same for both directions; workers use it to split flows. */
uint32_t sf_flow_hash(uint8_t family, const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb);

#endif
