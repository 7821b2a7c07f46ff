/* Rate limits: token buckets keyed by client (a user, a guest's or an anonymous client's
 * address, an ingest token), api.md "Rate limiting". A bucket holds up to `per_minute`
 * requests and refills per_minute/60 a second. The table has a fixed number of buckets,
 * allocated at start (rate_limit_clients); when it is full the least recently used bucket
 * is forgotten (its client starts again with a full bucket), so no number of distinct
 * clients — e.g. forged addresses behind a trusted proxy — can grow memory. Keys are
 * SipHash-ed with a per-process random key. Loop thread only. */
#ifndef SF_AUTH_RATE_LIMIT_H
#define SF_AUTH_RATE_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sf_rate_limit sf_rate_limit;

typedef struct sf_rate_verdict {
    bool allowed;
    int64_t limit;             /* X-RateLimit-Limit */
    int64_t remaining;         /* X-RateLimit-Remaining (after this request) */
    int64_t reset_s;           /* X-RateLimit-Reset: seconds until the bucket is full */
    int64_t retry_after_s;     /* Retry-After when refused */
} sf_rate_verdict;

typedef struct sf_rate_limit_stats {
    uint64_t buckets, capacity, bytes, evictions, refused;
} sf_rate_limit_stats;

sf_rate_limit *sf_rate_limit_new(uint32_t max_buckets);
void sf_rate_limit_free(sf_rate_limit *rl);
/* Takes one request from key's bucket of per_minute (> 0) at now_us (monotonic). */
sf_rate_verdict sf_rate_limit_take(sf_rate_limit *rl, const void *key, size_t key_len,
                                   int64_t per_minute, int64_t now_us);
void sf_rate_limit_get_stats(const sf_rate_limit *rl, sf_rate_limit_stats *out);

#endif
