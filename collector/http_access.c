/* The access gate: the one place where every route's access is decided (api.md
 * "Authentication, roles, limits"). For each request it works out who is calling — nobody,
 * a guest, an account (JWT), or an ingest token — then whether that caller may use the
 * route, and only then runs the handler.
 *
 * A token is read from the Authorization header only, except on GET /api/stream, which
 * also takes ?access_token= (EventSource cannot set headers). Open routes ignore tokens.
 * Checking a JWT needs the account's token generation; checking an ingest token needs the
 * set of valid hashes: both are in memory, and a miss asks the lookup worker once and
 * continues here when it answers, so the loop never waits on the database.
 *
 * Rate limits (api.md) are taken here too, on /api/ routes: accounts per user, guests and
 * anonymous clients per address, login and signup on their own per-address bucket, ingest
 * tokens on theirs. The address is the socket peer's, or the X-Forwarded-For client when
 * the peer is a trusted proxy. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collector/app.h"
#include "collector/http_server.h"
#include "collector/auth_cidr.h"
#include "common/addr.h"
#include "common/log.h"
#include "common/time_util.h"

typedef enum { CALLER_ANONYMOUS, CALLER_OK, CALLER_INVALID, CALLER_PENDING } caller_state;

#define XFF_HOPS_MAX 32

/* The client's address: the peer, or, when the peer is a trusted proxy, the nearest
 * X-Forwarded-For entry (from the right) that is not itself a trusted proxy. */
static void find_client_ip(sf_request *r)
{
    const char *peer = sf_request_peer(r);
    snprintf(r->client_ip, sizeof r->client_ip, "%s", peer);
    sf_cidr_list *trusted = r->app->trusted_proxies;
    if (sf_cidr_list_empty(trusted) || !sf_cidr_list_contains(trusted, peer))
        return;
    const char *xff = evhttp_find_header(evhttp_request_get_input_headers(r->req), "X-Forwarded-For");
    size_t end = xff ? strlen(xff) : 0;
    for (int hop = 0; end > 0 && hop < XFF_HOPS_MAX; hop++) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        char item[64], canon[SF_ADDR_TEXT_MAX];
        size_t a = start, b = end;
        while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
            a++;
        while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
            b--;
        if (b - a >= sizeof item)
            return;
        memcpy(item, xff + a, b - a);
        item[b - a] = '\0';
        if (sf_addr_canonical(item, canon) != 0)
            return; /* garbage: believe no further */
        snprintf(r->client_ip, sizeof r->client_ip, "%s", canon);
        if (!sf_cidr_list_contains(trusted, canon))
            return;
        end = start > 0 ? start - 1 : 0;
    }
}

static void add_int_header(sf_request *r, const char *name, int64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)v);
    sf_reply_add_header(r, name, text);
}

/* Takes one request from the bucket the caller is counted in; false when it answered 429.
 * Only /api/ routes are limited; a limit of 0 turns that kind off. */
static bool within_rate_limit(sf_request *r, bool by_address)
{
    sf_app *app = r->app;
    if (strncmp(r->route->pattern, "/api", 4) != 0 || !app->rate_limit)
        return true;
    char key[SF_USERNAME_MAX + 64];
    int64_t per_minute;
    if (r->route->access == SF_ACCESS_LOGIN) {
        per_minute = app->config.login_rate_limit;
        snprintf(key, sizeof key, "login|%s", r->client_ip);
    } else if (!by_address && r->auth.role == SF_ROLE_INGEST) {
        per_minute = app->config.ingest_rate_limit;
        snprintf(key, sizeof key, "ingest|%s", r->auth.sub);
    } else if (!by_address && (r->auth.role == SF_ROLE_ANALYST || r->auth.role == SF_ROLE_ADMIN)) {
        per_minute = app->config.rate_limit;
        snprintf(key, sizeof key, "user|%lld", (long long)r->auth.user_id);
    } else {
        per_minute = app->config.rate_limit;
        snprintf(key, sizeof key, "addr|%s", r->client_ip);
    }
    if (per_minute <= 0)
        return true;
    sf_rate_verdict v = sf_rate_limit_take(app->rate_limit, key, strlen(key), per_minute,
                                           sf_monotonic_us());
    add_int_header(r, "X-RateLimit-Limit", v.limit);
    add_int_header(r, "X-RateLimit-Remaining", v.remaining);
    add_int_header(r, "X-RateLimit-Reset", v.reset_s);
    if (v.allowed)
        return true;
    add_int_header(r, "Retry-After", v.retry_after_s);
    sf_reply_error(r, 429, "Rate limit exceeded");
    return false;
}

static void unauthorized(sf_request *r, const char *detail)
{
    sf_reply_add_header(r, "WWW-Authenticate", "Bearer");
    sf_reply_error(r, 401, detail);
}

const char *sf_bearer_from_header(const char *header, size_t *len)
{
    const char *token = NULL;
    if (header && strncasecmp(header, "Bearer ", 7) == 0) {
        token = header + 7;
        while (*token == ' ')
            token++;
    }
    *len = token ? strlen(token) : 0;
    while (*len && token[*len - 1] == ' ')
        (*len)--;
    return *len ? token : NULL;
}

/* The bearer token, NULL when there is none; *len is its length. Only GET /api/stream
 * also takes ?access_token= (EventSource cannot set headers). */
static const char *bearer_token(sf_request *r, size_t *len)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Authorization");
    const char *token = sf_bearer_from_header(h, len);
    if (!token && !h && strcmp(r->route->pattern, "/api/stream") == 0) {
        token = evhttp_find_header(&r->query, "access_token");
        *len = token ? strlen(token) : 0;
    }
    return *len ? token : NULL;
}

static bool role_allows(sf_access access, sf_role role)
{
    switch (access) {
    case SF_ACCESS_OPEN:
    case SF_ACCESS_LOGIN: return true;
    case SF_ACCESS_READ:
    case SF_ACCESS_DEMO:
        return role == SF_ROLE_GUEST || role == SF_ROLE_ANALYST || role == SF_ROLE_ADMIN;
    case SF_ACCESS_ANALYST: return role == SF_ROLE_ANALYST || role == SF_ROLE_ADMIN;
    case SF_ACCESS_TRAFFIC:
        return role == SF_ROLE_INGEST || role == SF_ROLE_ANALYST || role == SF_ROLE_ADMIN;
    case SF_ACCESS_INGEST: return role == SF_ROLE_INGEST || role == SF_ROLE_ADMIN;
    case SF_ACCESS_ADMIN:
    case SF_ACCESS_METRICS: return role == SF_ROLE_ADMIN;
    }
    return false;
}

/* ---- lookups on a miss ---- */

typedef struct pending {
    sf_request *r;
    int64_t user_id;
    char token[SF_TOKEN_TEXT_MAX];
    sf_user_state state;
} pending;

static int user_work(PGconn *conn, void *arg)
{
    pending *p = arg;
    return conn ? sf_user_state_load(conn, p->user_id, &p->state) : -1;
}

static int token_work(PGconn *conn, void *arg)
{
    pending *p = arg;
    return conn ? sf_ingest_token_lookup(conn, p->token) : -1;
}

static void lookup_done(void *arg, int result)
{
    pending *p = arg;
    sf_request *r = p->r;
    sf_log_set_correlation_id(r->correlation_id);
    if (result < 0 || r->app->closing) {
        sf_reply_add_header(r, "Retry-After", "1");
        sf_reply_error(r, 503, "Database unavailable");
    } else {
        if (p->token[0])
            sf_token_cache_learn(r->app->tokens, p->token, result == 1);
        else if (result == 1)
            sf_user_cache_put(r->app->users, &p->state);
        r->auth_looked_up = 1;
        sf_access_enter(r); /* now answered from memory */
    }
    sodium_memzero(p->token, sizeof p->token);
    free(p);
    sf_log_set_correlation_id(NULL);
}

/* Queues a lookup; false when it could not be queued (the request was answered 503 or,
 * past the address's rate limit, 429: a flood of unknown tokens costs no queries). */
static bool ask_database(sf_request *r, int64_t user_id, const char *token, size_t len)
{
    if (!within_rate_limit(r, true))
        return false;
    pending *p = calloc(1, sizeof *p);
    bool ok = p != NULL;
    if (ok) {
        p->r = r;
        p->user_id = user_id;
        if (token)
            memcpy(p->token, token, len);
        ok = sf_auth_lookup_submit(r->app->auth_lookup, token ? token_work : user_work,
                                   lookup_done, p);
    }
    if (!ok) {
        free(p);
        sf_reply_add_header(r, "Retry-After", "1");
        sf_reply_error(r, 503, "Server busy");
    }
    return ok;
}

/* ---- who is calling ---- */

static caller_state ingest_caller(sf_request *r, const char *token, size_t len)
{
    char text[SF_TOKEN_TEXT_MAX];
    if (len >= sizeof text)
        return CALLER_INVALID;
    memcpy(text, token, len);
    text[len] = '\0';
    caller_state st = CALLER_INVALID;
    if (sf_token_cache_check(r->app->tokens, text)) {
        memset(&r->auth, 0, sizeof r->auth);
        r->auth.role = SF_ROLE_INGEST;
        /* the subject of an ingest token for rate limiting: a prefix of its hash */
        unsigned char h[8];
        crypto_generichash(h, sizeof h, (const unsigned char *)text, len, NULL, 0);
        sodium_bin2hex(r->auth.sub, sizeof r->auth.sub, h, sizeof h);
        st = CALLER_OK;
    } else if (!r->auth_looked_up && !sf_token_cache_known_bad(r->app->tokens, text)) {
        ask_database(r, 0, text, len); /* answers 503 itself if it cannot */
        st = CALLER_PENDING;
    }
    sodium_memzero(text, sizeof text);
    return st;
}

static caller_state user_caller(sf_request *r, const char *token, size_t len)
{
    sf_jwt_claims c;
    int64_t now_s = sf_now_us() / 1000000;
    if (!sf_token_memo_get(r->app->token_memo, token, len, now_s, &c)) {
        if (sf_jwt_verify(&r->app->jwt_key, token, len, now_s, &c) != 0)
            return CALLER_INVALID;
        sf_token_memo_put(r->app->token_memo, token, len, &c);
    }
    if (c.role == SF_ROLE_GUEST) {
        r->auth = c;
        return CALLER_OK;
    }
    sf_user_state s;
    bool known = sf_user_cache_get(r->app->users, c.user_id, &s);
    if (!known || s.generation < c.generation) { /* not seen yet, or our copy is stale */
        if (r->auth_looked_up)
            return CALLER_INVALID;
        ask_database(r, c.user_id, NULL, 0);
        return CALLER_PENDING;
    }
    if (!s.active || s.generation != c.generation || s.role == SF_ROLE_NONE)
        return CALLER_INVALID;
    c.role = s.role; /* the account's role now, not when the token was made */
    r->auth = c;
    return CALLER_OK;
}

static caller_state identify(sf_request *r)
{
    size_t len;
    const char *token = bearer_token(r, &len);
    memset(&r->auth, 0, sizeof r->auth);
    if (!token)
        return CALLER_ANONYMOUS;
    if (len > 4 && strncmp(token, "sfi_", 4) == 0)
        return ingest_caller(r, token, len);
    return user_caller(r, token, len);
}

/* ---- the gate ---- */

static bool anonymous_allowed(sf_request *r, sf_access access)
{
    sf_app *app = r->app;
    /* the client's address: through a trusted proxy, the client behind it */
    if (access == SF_ACCESS_TRAFFIC || access == SF_ACCESS_INGEST)
        return app->config.allow_anonymous_ingest && sf_addr_is_loopback(r->client_ip);
    if (access == SF_ACCESS_METRICS)
        return sf_cidr_list_contains(app->metrics_allow, r->client_ip);
    return false;
}

void sf_access_enter(sf_request *r)
{
    sf_access access = r->route->access;
    if (!r->auth_looked_up)
        find_client_ip(r);
    r->extra_header_count = 0; /* after a lookup, the request's headers start again */
    if (access == SF_ACCESS_OPEN || access == SF_ACCESS_LOGIN) {
        memset(&r->auth, 0, sizeof r->auth);
        if (within_rate_limit(r, true))
            r->route->handler(r);
        return;
    }
    caller_state st = identify(r);
    if (st == CALLER_PENDING)
        return; /* continues in lookup_done */
    if (st == CALLER_INVALID) {
        if (within_rate_limit(r, true))
            unauthorized(r, "Invalid authentication credentials");
        return;
    }
    if (st == CALLER_ANONYMOUS) {
        if (anonymous_allowed(r, access)) {
            if (access != SF_ACCESS_METRICS) { /* development ingest: the ingest budget */
                r->auth.role = SF_ROLE_INGEST;
                snprintf(r->auth.sub, sizeof r->auth.sub, "anonymous|%s", r->client_ip);
                if (!within_rate_limit(r, false))
                    return;
            }
            r->route->handler(r);
            return;
        }
        if (within_rate_limit(r, true))
            unauthorized(r, "Not authenticated");
        return;
    }
    if (!within_rate_limit(r, false))
        return;
    if (!role_allows(access, r->auth.role)) {
        sf_reply_error(r, 403, "Forbidden");
        return;
    }
    r->route->handler(r);
}
