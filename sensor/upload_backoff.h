/* Retry pacing for the uploader: exponential backoff with jitter (0.5 s doubling to
 * 30 s by default), overridden upwards by a server's Retry-After. Pure arithmetic on a
 * caller-supplied random source, so tests can check the schedule exactly. */
#ifndef SF_UPLOAD_BACKOFF_H
#define SF_UPLOAD_BACKOFF_H

#include <stdint.h>

#define SF_BACKOFF_BASE_MS 500
#define SF_BACKOFF_MAX_MS 30000
#define SF_RETRY_AFTER_MAX_MS 300000 /* a Retry-After beyond 5 min is treated as 5 min */

typedef struct sf_backoff {
    int64_t base_ms, max_ms;
    unsigned failures;  /* consecutive failures since the last success */
    uint64_t rng;       /* xorshift state */
} sf_backoff;

void sf_backoff_init(sf_backoff *b, int64_t base_ms, int64_t max_ms, uint64_t seed);
/* After a failure: the delay before the next attempt. The ceiling min(max, base * 2^k)
 * is jittered into [ceiling/2, ceiling] ("equal jitter": never hammering, never
 * synchronised across sensors). retry_after_ms >= 0 (from the server) raises the delay
 * to at least that, capped at SF_RETRY_AFTER_MAX_MS; -1 = none. */
int64_t sf_backoff_next(sf_backoff *b, int64_t retry_after_ms);
/* After a success: start again from base. */
void sf_backoff_reset(sf_backoff *b);

#endif
