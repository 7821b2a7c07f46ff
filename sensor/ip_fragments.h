/* IPv4 and IPv6 fragment reassembly, bounded by a memory budget and a timeout. */
#ifndef SF_IP_FRAGMENTS_H
#define SF_IP_FRAGMENTS_H

#include <stddef.h>
#include <stdint.h>
#include "sensor/sensor_stats.h"

typedef struct sf_frag_table sf_frag_table;

typedef struct sf_frag_key {
    uint8_t family, proto;
    uint32_t id;
    uint8_t src[16], dst[16];
} sf_frag_key;

sf_frag_table *sf_frags_new(size_t memory_max, int64_t timeout_us);
void sf_frags_free(sf_frag_table *t);
/* Adds one fragment (offset in bytes of the fragmentable part, more = MF flag).
 * Returns 1 when the datagram is complete: *out points at its whole payload, valid
 * until the next call. Returns 0 when more fragments are needed or it was dropped
 * (counted in stats). Overlaps keep the bytes that arrived first. */
int sf_frags_add(sf_frag_table *t, const sf_frag_key *key, uint32_t offset, int more,
                 const uint8_t *data, size_t len, int64_t now_us, const uint8_t **out,
                 size_t *out_len, sf_sensor_stats *stats);
size_t sf_frags_memory(const sf_frag_table *t);

#endif
