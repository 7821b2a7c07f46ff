/* Clients as the detectors see them (detect.h). Who a client is: the address (behind a
 * loopback or private-network proxy, the first X-Forwarded-For hop) together with its
 * user agent, so that people sharing an address (NAT, proxies, everything arriving from
 * 127.0.0.1) are told apart; the address as a whole is tracked too, with a budget of
 * several clients, so that changing user agents does not hide a flood.
 *
 * Per client over the last minute: request rate, error ratio, distinct paths, distinct
 * error paths (404/403/400: scans) and authentication failures (brute force), in six
 * 10-second slots; and a leaky bucket (flood). Distinct paths are estimated by linear
 * counting over a 256-bit bitmap (within a few percent up to ~200); distinct error paths
 * are counted exactly up to 16, so a scan threshold is never missed by a collision. Feeds the forest's ctx. features and the behavioural detectors.
 *
 * Memory is fixed at creation: a table of `capacity` clients; when a probe window is
 * full the least recently seen client there is replaced (and counted as evicted). */
#ifndef SF_DETECT_CLIENTS_H
#define SF_DETECT_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/record.h"

#define SF_CLIENT_KEY_MAX 64
#define SF_CLIENT_ADDRESS_MAX 48

typedef struct sf_client_table sf_client_table;

typedef struct sf_client_minute {
    double requests;            /* in the last 60 s, this one included */
    double error_ratio;         /* status >= 400 */
    double distinct_paths;
    double distinct_error_paths;/* 404/403/400 paths */
    double auth_failures;       /* 401/403 on authentication routes */
    double bucket;              /* leaky-bucket level after this request */
} sf_client_minute;

/* Who sent rec: address (empty when the record has none) and client key (address and a
 * hash of the user agent). */
void sf_client_identity(const sf_record *rec, char address[SF_CLIENT_ADDRESS_MAX],
                        char key[SF_CLIENT_KEY_MAX]);
/* Loopback (127.0.0.0/8, ::1): many users behind one local proxy or tool. */
bool sf_client_is_loopback(const char *address);

sf_client_table *sf_client_table_new(uint32_t capacity);
void sf_client_table_free(sf_client_table *t);

/* Records one request of client `key` at ts_us and returns its last-minute context; the
 * leaky bucket drains leak_per_s. Not thread-safe: callers serialise. */
void sf_client_observe(sf_client_table *t, const char *key, int64_t ts_us, const char *route,
                       int status, bool auth_failure, double leak_per_s, sf_client_minute *out);

uint64_t sf_client_table_evictions(const sf_client_table *t);

/* Leaky buckets alone, per address (all its clients together): a compact table of
 * `capacity` entries (about 80 bytes each), least recently seen replaced when full. */
typedef struct sf_bucket_table sf_bucket_table;
sf_bucket_table *sf_bucket_table_new(uint32_t capacity);
void sf_bucket_table_free(sf_bucket_table *t);
/* Addresses forgotten so far because their probe window was full. */
uint64_t sf_bucket_table_evictions(const sf_bucket_table *t);
/* One request of key at ts_us; returns the bucket's level after it. */
double sf_bucket_fill(sf_bucket_table *t, const char *key, int64_t ts_us, double leak_per_s);

#endif
