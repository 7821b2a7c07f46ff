/* Random numbers for the traffic generator: xorshift64* (fast, per thread, seedable so
 * a run can be repeated) and a log-normal sample for latencies and sizes. */
#ifndef TG_RANDOM_H
#define TG_RANDOM_H

#include <math.h>
#include <stdint.h>

static inline uint64_t tg_rand(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x2545f4914f6cdd1dull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, 1). */
static inline double tg_uniform(uint64_t *s) { return (double)(tg_rand(s) >> 11) / 9007199254740992.0; }

/* Uniform integer in [lo, hi]. */
static inline int64_t tg_range(uint64_t *s, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(tg_rand(s) % (uint64_t)(hi - lo + 1));
}

/* Log-normal with the given median and shape (sigma of the underlying normal). */
static inline double tg_lognormal(uint64_t *s, double median, double sigma)
{
    double u1 = tg_uniform(s), u2 = tg_uniform(s);
    if (u1 < 1e-12)
        u1 = 1e-12;
    double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2); /* Box-Muller */
    return median * exp(sigma * z);
}

#endif
