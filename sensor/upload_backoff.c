/* Exponential backoff with equal jitter (see upload_backoff.h). */
#include "sensor/upload_backoff.h"

void sf_backoff_init(sf_backoff *b, int64_t base_ms, int64_t max_ms, uint64_t seed)
{
    b->base_ms = base_ms > 0 ? base_ms : SF_BACKOFF_BASE_MS;
    b->max_ms = max_ms >= b->base_ms ? max_ms : b->base_ms;
    b->failures = 0;
    b->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static uint64_t next_random(sf_backoff *b)
{
    uint64_t x = b->rng; /* xorshift64: plenty for jitter */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b->rng = x;
    return x;
}

int64_t sf_backoff_next(sf_backoff *b, int64_t retry_after_ms)
{
    int64_t ceiling = b->base_ms;
    for (unsigned i = 0; i < b->failures && ceiling < b->max_ms; i++)
        ceiling *= 2;
    if (ceiling > b->max_ms)
        ceiling = b->max_ms;
    if (b->failures < 64)
        b->failures++;
    int64_t half = ceiling / 2;
    int64_t delay = half + (int64_t)(next_random(b) % (uint64_t)(ceiling - half + 1));
    if (retry_after_ms > SF_RETRY_AFTER_MAX_MS)
        retry_after_ms = SF_RETRY_AFTER_MAX_MS;
    return retry_after_ms > delay ? retry_after_ms : delay;
}

void sf_backoff_reset(sf_backoff *b) { b->failures = 0; }
