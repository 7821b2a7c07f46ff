/* Deterministic random numbers for training: xoshiro256** (Blackman & Vigna, public
 * domain algorithm), its state filled by splitmix64 from (seed, stream). */
#include "model/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void sf_rng_seed(sf_rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        rng->state[i] = splitmix64(&x);
}

uint64_t sf_rng_next(sf_rng *rng)
{
    uint64_t *s = rng->state;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t sf_rng_below(sf_rng *rng, uint64_t bound)
{
    /* Rejection sampling: drop the top partial block so every value is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;
    do
        r = sf_rng_next(rng);
    while (r >= limit);
    return r % bound;
}

double sf_rng_unit(sf_rng *rng)
{
    return (double)(sf_rng_next(rng) >> 11) * 0x1.0p-53;
}
