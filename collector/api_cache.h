/* A small answer cache for the read API. Dashboards ask the same questions every few
 * seconds; the answers only change when data changes. An entry is keyed by the query
 * (normalised by the caller) and by the data generation: the writer's count of stored
 * records and groups plus a counter bumped by every change made through the API
 * (resolve, label, demo deletion). A new write makes every older entry miss, so the cache
 * never serves an answer that a fresh query would not give, except for what it cannot see:
 * writes of other collectors on the same database and retention deletes; for those,
 * entries expire after 10 seconds (and are refreshed while still being served). Each
 * entry also keeps a gzip copy, made once when it is stored and sent to clients that
 * accept it (browsers do): large answers cost a tenth of the bytes, and a hit costs one
 * copy of the stored bytes into the reply.
 * What it holds is bounded by configuration (api_cache_bytes): the texts and gzip copies
 * of all entries together stay within the bound, an answer bigger than a quarter of it is
 * not kept, and the oldest stored entries make room for new ones; 0 turns the cache off.
 * Thread-safe, except the single-flight calls, which belong to the loop thread.
 *
 * Single flight: when many clients ask the same question at once (a new generation, or a
 * cold start under load), one query runs and the others wait for its answer instead of
 * each running it:
 *
 *     if (sf_api_cache_reply(r, key, gen) || sf_api_cache_wait(r, key, gen))
 *         return;                       // answered, or waiting for the running query
 *     submit the query; its ctx_free calls sf_api_cache_landed(key, gen)
 *
 * The answer a query stores while its flight is under way goes to the flight, which
 * answers its waiters with it when it lands and only then offers it to the cache: so
 * waiters get it even when the cache is off, full of newer answers, or it is too big to
 * keep (in that case it is only held when someone is already waiting for it).
 */
#ifndef SF_API_CACHE_H
#define SF_API_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sf_app;
struct sf_request;

#define SF_API_CACHE_KEY_MAX 768
#define SF_API_CACHE_BYTES_DEFAULT ((size_t)64 << 20)

/* Bounds the bytes held (texts and gzip copies of all entries; the default until called is
 * SF_API_CACHE_BYTES_DEFAULT); entries beyond a lower bound are dropped at once. 0 turns
 * the cache off. */
void sf_api_cache_set_limit(size_t bytes);
/* Entries dropped so far to make room for newer ones. */
uint64_t sf_api_cache_evictions(void);
/* The bytes held now. */
size_t sf_api_cache_held(void);

/* The current data generation. */
uint64_t sf_api_data_generation(struct sf_app *app);
/* Something changed outside the writer (resolve, label, deletion). */
void sf_api_data_changed(void);

/* An empty key is never cached (for queries too long to key). */
/* A malloc'd copy of the text stored for (key, generation), or NULL. */
char *sf_api_cache_get(const char *key, uint64_t generation, size_t *len);
/* Stores a copy of text (and of its gzip form when it is large) under (key, generation),
 * or hands it to the flight of that query (see above). */
void sf_api_cache_put(const char *key, uint64_t generation, const char *text, size_t len);
/* Answers r (200, JSON; gzip when the client accepts it) from the cache when (key,
 * generation) is there; returns whether it did. Call on the loop thread. */
bool sf_api_cache_reply(struct sf_request *r, const char *key, uint64_t generation);

/* When a query for (key, generation) is running, answers r with its answer if it stored
 * one already, or with the expired answer of that same generation if there is one (a
 * refresh for what the generation cannot see), else queues r to be answered when the
 * query lands, and returns true; false if that answer is too big to hold for r. When none
 * is running, records that the caller is about to run it and returns false. Loop thread
 * only. */
bool sf_api_cache_wait(struct sf_request *r, const char *key, uint64_t generation);
/* The query for (key, generation) finished (stored or failed): answers its waiters with
 * its answer, then keeps that if it fits; 503 if it failed. Loop thread only. */
void sf_api_cache_landed(const char *key, uint64_t generation);

#endif
