/* FNV-1a over a C string: the one hash the collector's fixed tables (clients, routes,
 * incidents, connections, repeated log lines) key their slots by. Fast, no allocation,
 * good enough spread for open addressing; not for anything an attacker must not predict
 * (the tables bound their probe windows and evict, so collisions cost accuracy, not memory). */
#ifndef SF_TEXT_HASH_H
#define SF_TEXT_HASH_H

#include <stdint.h>

#define SF_TEXT_HASH_SEED 1469598103934665603ULL /* FNV-1a offset basis */

/* Continues the hash h over s (start with SF_TEXT_HASH_SEED). */
static inline uint64_t sf_text_hash_from(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL; /* FNV prime */
    return h;
}

static inline uint64_t sf_text_hash(const char *s)
{
    return sf_text_hash_from(s, SF_TEXT_HASH_SEED);
}

#endif
