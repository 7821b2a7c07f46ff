/* Ingest tokens: opaque random strings ("sfi_" + 43 base64url characters = 32 random
 * bytes) given to sensors and other traffic sources. Only their BLAKE2b hashes are
 * stored (table ingest_tokens). The collector keeps the set of valid hashes in memory,
 * refreshed from the database every few seconds, so checking a known token never waits on
 * PostgreSQL. A token not in the set is looked up once (auth_lookup.h): a token made a
 * moment ago by the CLI or another collector works on its first request. Tokens found
 * unknown go into a small fixed ring (cleared at each refresh), so repeating a bad token
 * costs no query, and no amount of bad tokens grows memory. */
#ifndef SF_INGEST_TOKENS_H
#define SF_INGEST_TOKENS_H

#include <jansson.h>
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
/* True when token was looked up and found unknown since the last refresh. */
bool sf_token_cache_known_bad(sf_token_cache *c, const char *token);
/* Records the outcome of a database lookup (valid: added to the set; else: to the ring). */
void sf_token_cache_learn(sf_token_cache *c, const char *token, bool valid);
/* Looks token up in the database: 1 valid, 0 unknown or revoked, -1 error. */
int sf_ingest_token_lookup(PGconn *conn, const char *token);

/* CLI: every token (name, created_at, revoked_at; never the hash) as JSON, and revoking
 * one by name (0, or -1 with err). */
json_t *sf_ingest_token_list(PGconn *conn, char *err, size_t err_size);
int sf_ingest_token_revoke(PGconn *conn, const char *name, char *err, size_t err_size);

/* Creates a token named name, stores its hash, and writes the token text to out.
 * Returns 0, or -1 with err (e.g. the name is taken). */
int sf_ingest_token_create(PGconn *conn, const char *name, char out[SF_TOKEN_TEXT_MAX],
                           char *err, size_t err_size);

#endif
