/* Ingest tokens (see ingest_tokens.h). */
#include "collector/ingest_tokens.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BYTES crypto_generichash_BYTES /* 32 */
#define TOKEN_CACHE_MAX 100000
#define BAD_RING 1024            /* unknown tokens remembered between refreshes */

struct sf_token_cache {
    pthread_rwlock_t lock;
    unsigned char *hashes;   /* sorted, HASH_BYTES each */
    size_t count;
    unsigned char bad[BAD_RING][HASH_BYTES];
    size_t bad_count, bad_next;
};

static void hash_token(const char *token, unsigned char out[HASH_BYTES])
{
    crypto_generichash(out, HASH_BYTES, (const unsigned char *)token, strlen(token), NULL, 0);
}

static int cmp_hash(const void *a, const void *b) { return memcmp(a, b, HASH_BYTES); }

sf_token_cache *sf_token_cache_new(void)
{
    sf_token_cache *c = calloc(1, sizeof *c);
    if (c)
        pthread_rwlock_init(&c->lock, NULL);
    return c;
}

void sf_token_cache_free(sf_token_cache *c)
{
    if (!c)
        return;
    pthread_rwlock_destroy(&c->lock);
    free(c->hashes);
    free(c);
}

int sf_token_cache_refresh(sf_token_cache *c, PGconn *conn)
{
    PGresult *r = PQexecParams(conn, "SELECT token_hash FROM ingest_tokens WHERE revoked_at IS NULL "
                               "LIMIT 100000", 0, NULL, NULL, NULL, NULL, 1 /* binary */);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    size_t n = (size_t)PQntuples(r);
    unsigned char *hashes = malloc(n ? n * HASH_BYTES : 1);
    size_t kept = 0;
    for (size_t i = 0; hashes && i < n && i < TOKEN_CACHE_MAX; i++)
        if (PQgetlength(r, (int)i, 0) == HASH_BYTES)
            memcpy(hashes + HASH_BYTES * kept++, PQgetvalue(r, (int)i, 0), HASH_BYTES);
    PQclear(r);
    if (!hashes)
        return -1;
    qsort(hashes, kept, HASH_BYTES, cmp_hash);
    pthread_rwlock_wrlock(&c->lock);
    free(c->hashes);
    c->hashes = hashes;
    c->count = kept;
    c->bad_count = c->bad_next = 0; /* a bad token may have been created since */
    pthread_rwlock_unlock(&c->lock);
    return 0;
}

bool sf_token_cache_check(sf_token_cache *c, const char *token)
{
    if (!token || strlen(token) >= SF_TOKEN_TEXT_MAX)
        return false;
    unsigned char h[HASH_BYTES];
    hash_token(token, h);
    pthread_rwlock_rdlock(&c->lock);
    bool found = c->count && bsearch(h, c->hashes, c->count, HASH_BYTES, cmp_hash) != NULL;
    pthread_rwlock_unlock(&c->lock);
    return found;
}

bool sf_token_cache_known_bad(sf_token_cache *c, const char *token)
{
    unsigned char h[HASH_BYTES];
    hash_token(token, h);
    bool bad = false;
    pthread_rwlock_rdlock(&c->lock);
    for (size_t i = 0; i < c->bad_count && !bad; i++)
        bad = memcmp(c->bad[i], h, HASH_BYTES) == 0;
    pthread_rwlock_unlock(&c->lock);
    return bad;
}

void sf_token_cache_learn(sf_token_cache *c, const char *token, bool valid)
{
    unsigned char h[HASH_BYTES];
    hash_token(token, h);
    pthread_rwlock_wrlock(&c->lock);
    if (!valid) {
        memcpy(c->bad[c->bad_next], h, HASH_BYTES);
        c->bad_next = (c->bad_next + 1) % BAD_RING;
        if (c->bad_count < BAD_RING)
            c->bad_count++;
    } else if (c->count < TOKEN_CACHE_MAX &&
               !(c->count && bsearch(h, c->hashes, c->count, HASH_BYTES, cmp_hash))) {
        unsigned char *grown = realloc(c->hashes, (c->count + 1) * HASH_BYTES);
        if (grown) {
            size_t at = 0;
            while (at < c->count && memcmp(grown + at * HASH_BYTES, h, HASH_BYTES) < 0)
                at++;
            memmove(grown + (at + 1) * HASH_BYTES, grown + at * HASH_BYTES,
                    (c->count - at) * HASH_BYTES);
            memcpy(grown + at * HASH_BYTES, h, HASH_BYTES);
            c->hashes = grown;
            c->count++;
        }
    }
    pthread_rwlock_unlock(&c->lock);
}

int sf_ingest_token_lookup(PGconn *conn, const char *token)
{
    unsigned char h[HASH_BYTES];
    hash_token(token, h);
    const char *params[1] = {(const char *)h};
    int lengths[1] = {HASH_BYTES}, formats[1] = {1};
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM ingest_tokens WHERE token_hash = $1 AND "
                               "revoked_at IS NULL", 1, NULL, params, lengths, formats, 0);
    int rc = PQresultStatus(r) != PGRES_TUPLES_OK ? -1 : PQntuples(r) > 0;
    PQclear(r);
    return rc;
}

json_t *sf_ingest_token_list(PGconn *conn, char *err, size_t err_size)
{
    PGresult *r = PQexec(conn, "SELECT name, to_char(created_at AT TIME ZONE 'UTC', "
                         "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), coalesce(to_char(revoked_at AT TIME ZONE "
                         "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') FROM ingest_tokens ORDER BY id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        PQclear(r);
        return NULL;
    }
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        const char *revoked = PQgetvalue(r, i, 2);
        json_array_append_new(list, json_pack("{s:s,s:s,s:o}", "name", PQgetvalue(r, i, 0),
                                              "created_at", PQgetvalue(r, i, 1), "revoked_at",
                                              revoked[0] ? json_string(revoked) : json_null()));
    }
    PQclear(r);
    return list;
}

int sf_ingest_token_revoke(PGconn *conn, const char *name, char *err, size_t err_size)
{
    const char *params[1] = {name};
    PGresult *r = PQexecParams(conn, "UPDATE ingest_tokens SET revoked_at = now() WHERE name = $1"
                               " AND revoked_at IS NULL", 1, NULL, params, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        rc = -1;
    } else if (strcmp(PQcmdTuples(r), "1") != 0) {
        snprintf(err, err_size, "no active token named '%s'", name);
        rc = -1;
    }
    PQclear(r);
    return rc;
}

int sf_ingest_token_create(PGconn *conn, const char *name, char out[SF_TOKEN_TEXT_MAX],
                           char *err, size_t err_size)
{
    unsigned char raw[32], h[HASH_BYTES];
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(out, SF_TOKEN_TEXT_MAX, "sfi_%s", b64);
    hash_token(out, h);
    const char *params[2] = {name, (const char *)h};
    int lengths[2] = {(int)strlen(name), HASH_BYTES};
    int formats[2] = {0, 1};
    PGresult *r = PQexecParams(conn, "INSERT INTO ingest_tokens (name, token_hash) VALUES ($1, $2)",
                               2, NULL, params, lengths, formats, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        snprintf(err, err_size, "%s", strstr(PQerrorMessage(conn), "duplicate key") ?
                 "a token with that name exists" : PQerrorMessage(conn));
    PQclear(r);
    sodium_memzero(raw, sizeof raw);
    return ok ? 0 : -1;
}
