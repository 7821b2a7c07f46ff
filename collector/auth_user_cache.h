/* What each request needs to know about an account to accept its token: its token
 * generation, whether it is active, its role. Kept in a fixed-size table (bounded by
 * configuration), filled by logins, by lookups on a miss (auth_lookup.h) and by a refresh
 * every couple of seconds that reads only the accounts changed since the last one
 * (change_seq), so a password change or a disable made by any collector or by the CLI
 * ends the account's tokens everywhere within that refresh, and a request never waits on
 * a query unless the account is not in the table. Thread-safe. */
#ifndef SF_AUTH_USER_CACHE_H
#define SF_AUTH_USER_CACHE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "collector/auth_jwt.h"

typedef struct sf_user_state {
    int64_t id;                /* 0 = none */
    int64_t generation;
    sf_role role;
    bool active;
} sf_user_state;

typedef struct sf_user_cache sf_user_cache;

sf_user_cache *sf_user_cache_new(uint32_t capacity);
void sf_user_cache_free(sf_user_cache *c);
/* True and *out when the account is in the table. */
bool sf_user_cache_get(sf_user_cache *c, int64_t id, sf_user_state *out);
/* Adds or replaces; when its slots are full an older entry makes room. */
void sf_user_cache_put(sf_user_cache *c, const sf_user_state *s);
/* Reads the accounts changed since the last refresh; returns 0 or -1. */
int sf_user_cache_refresh(sf_user_cache *c, PGconn *conn);
/* One account's state from the database: 1 found, 0 no such account, -1 error. */
int sf_user_state_load(PGconn *conn, int64_t id, sf_user_state *out);

#endif
