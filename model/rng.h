/* A small deterministic random number generator (xoshiro256**, seeded through
 * splitmix64), so that a model trained with a given seed is the same on every machine. */
#ifndef SF_MODEL_RNG_H
#define SF_MODEL_RNG_H

#include <stdint.h>

typedef struct sf_rng {
    uint64_t state[4];
} sf_rng;

/* Seeds from a 64-bit seed and a stream number (one stream per tree keeps trees
 * independent of the order in which they are built). */
void sf_rng_seed(sf_rng *rng, uint64_t seed, uint64_t stream);
uint64_t sf_rng_next(sf_rng *rng);
/* Uniform in [0, bound), bound > 0, without modulo bias. */
uint64_t sf_rng_below(sf_rng *rng, uint64_t bound);
/* Uniform in [0, 1). */
double sf_rng_unit(sf_rng *rng);

#endif
