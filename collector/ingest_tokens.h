/* Ingest tokens: opaque random strings ("sfi_" + 43 base64url characters = 32 random
 * bytes) given to sensors and other traffic sources. Only their BLAKE2b hashes are
 * stored (table ingest_tokens). The collector keeps the set of valid hashes in memory,
 * refreshed from the database every few seconds, so checking a token never waits on
 * PostgreSQL. */
#ifndef SF_INGEST_TOKENS_H
#define SF_INGEST_TOKENS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#define SF_TOKEN_TEXT_MAX 64

typedef struct sf_token_cache sf_token_cache;

sf_token_cache *sf_token_cache_new(void);
void sf_token_cache_free(sf_token_cache *c);
/* Reloads the valid hashes; returns 0 or -1 (the old set is kept). */
int sf_token_cache_refresh(sf_token_cache *c, PGconn *conn);
bool sf_token_cache_check(sf_token_cache *c, const char *token);

/* Creates a token named name, stores its hash, and writes the token text to out.
 * Returns 0, or -1 with err (e.g. the name is taken). */
int sf_ingest_token_create(PGconn *conn, const char *name, char out[SF_TOKEN_TEXT_MAX],
                           char *err, size_t err_size);

#endif
