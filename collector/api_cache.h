/* A small answer cache for the read API. Dashboards ask the same questions every few
 * seconds; the answers only change when data changes. An entry is keyed by the query
 * (normalised by the caller) and by the data generation: the writer's count of stored
 * records and groups plus a counter bumped by every change made through the API
 * (resolve, label, demo deletion). A new write makes every older entry miss, so the cache
 * never serves an answer that a fresh query would not give, except for what retention
 * deletes (entries also expire after a few seconds). Thread-safe. */
#ifndef SF_API_CACHE_H
#define SF_API_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sf_app;
struct sf_request;

#define SF_API_CACHE_KEY_MAX 768

/* The current data generation. */
uint64_t sf_api_data_generation(struct sf_app *app);
/* Something changed outside the writer (resolve, label, deletion). */
void sf_api_data_changed(void);

/* An empty key is never cached (for queries too long to key). */
/* A malloc'd copy of the text stored for (key, generation), or NULL. */
char *sf_api_cache_get(const char *key, uint64_t generation, size_t *len);
/* Stores a copy of text under (key, generation). */
void sf_api_cache_put(const char *key, uint64_t generation, const char *text, size_t len);

/* Answers r (200, JSON) from the cache when (key, generation) is there; returns whether
 * it did. Call on the loop thread. */
bool sf_api_cache_reply(struct sf_request *r, const char *key, uint64_t generation);

#endif
