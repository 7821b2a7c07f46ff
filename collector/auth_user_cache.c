/* Account states for token checks (see auth_user_cache.h): open addressing over a
 * power-of-two table, at most PROBES slots per id, so a full table replaces rather than
 * grows. */
#include "collector/auth_user_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBES 8
#define REFRESH_ROWS 10000

struct sf_user_cache {
    pthread_mutex_t lock;
    sf_user_state *slots;
    uint32_t mask;
    uint32_t evict_turn;       /* which probe slot a full run replaces next */
    int64_t last_seq;          /* highest change_seq seen */
};

static uint32_t slot_of(const sf_user_cache *c, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    return (uint32_t)(h >> 32) & c->mask;
}

sf_user_cache *sf_user_cache_new(uint32_t capacity)
{
    sf_user_cache *c = calloc(1, sizeof *c);
    uint32_t n = 16;
    while (n < capacity && n < (1u << 30))
        n <<= 1;
    if (!c || !(c->slots = calloc(n, sizeof *c->slots))) {
        free(c);
        return NULL;
    }
    c->mask = n - 1;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void sf_user_cache_free(sf_user_cache *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c->slots);
    free(c);
}

bool sf_user_cache_get(sf_user_cache *c, int64_t id, sf_user_state *out)
{
    bool found = false;
    pthread_mutex_lock(&c->lock);
    for (uint32_t i = 0, s = slot_of(c, id); i < PROBES && !found; i++, s = (s + 1) & c->mask)
        if (c->slots[s].id == id) {
            *out = c->slots[s];
            found = true;
        }
    pthread_mutex_unlock(&c->lock);
    return found;
}

void sf_user_cache_put(sf_user_cache *c, const sf_user_state *st)
{
    pthread_mutex_lock(&c->lock);
    uint32_t start = slot_of(c, st->id), target = UINT32_MAX;
    for (uint32_t i = 0, s = start; i < PROBES; i++, s = (s + 1) & c->mask) {
        if (c->slots[s].id == st->id) {
            target = s;
            break;
        }
        if (c->slots[s].id == 0 && target == UINT32_MAX)
            target = s;
    }
    if (target == UINT32_MAX)
        target = (start + c->evict_turn++ % PROBES) & c->mask;
    c->slots[target] = *st;
    pthread_mutex_unlock(&c->lock);
}

static void state_from_row(const PGresult *res, int row, sf_user_state *s)
{
    s->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
    s->role = sf_role_parse(PQgetvalue(res, row, 1));
    s->active = PQgetvalue(res, row, 2)[0] == 't';
    s->generation = strtoll(PQgetvalue(res, row, 3), NULL, 10);
}

int sf_user_cache_refresh(sf_user_cache *c, PGconn *conn)
{
    char since[24];
    pthread_mutex_lock(&c->lock);
    snprintf(since, sizeof since, "%lld", (long long)c->last_seq);
    pthread_mutex_unlock(&c->lock);
    const char *p[1] = {since};
    PGresult *res = PQexecParams(conn, "SELECT id, role, is_active, token_generation, change_seq"
                                 " FROM users WHERE change_seq > $1 ORDER BY change_seq LIMIT 10000",
                                 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        PQclear(res);
        return -1;
    }
    int64_t seq = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        sf_user_state s;
        state_from_row(res, i, &s);
        sf_user_cache_put(c, &s);
        seq = strtoll(PQgetvalue(res, i, 4), NULL, 10);
    }
    PQclear(res);
    pthread_mutex_lock(&c->lock);
    if (seq > c->last_seq)
        c->last_seq = seq;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

int sf_user_state_load(PGconn *conn, int64_t id, sf_user_state *out)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    const char *p[1] = {idtext};
    PGresult *res = PQexecParams(conn, "SELECT id, role, is_active, token_generation FROM users"
                                 " WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
    int rc = PQresultStatus(res) != PGRES_TUPLES_OK ? -1 : PQntuples(res) > 0;
    if (rc == 1)
        state_from_row(res, 0, out);
    PQclear(res);
    return rc;
}
