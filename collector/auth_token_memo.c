/* Verified user tokens (see auth_token_memo.h). */
#include "collector/auth_token_memo.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define KEY_BYTES 16

typedef struct memo_slot {
    unsigned char key[KEY_BYTES];  /* all zero: empty */
    sf_jwt_claims claims;
} memo_slot;

struct sf_token_memo {
    memo_slot slots[SF_TOKEN_MEMO_SLOTS];
};

static void token_key(const char *token, size_t len, unsigned char key[KEY_BYTES])
{
    crypto_generichash(key, KEY_BYTES, (const unsigned char *)token, len, NULL, 0);
}

static size_t slot_of(const unsigned char key[KEY_BYTES])
{
    size_t i;
    memcpy(&i, key, sizeof i);
    return i % SF_TOKEN_MEMO_SLOTS;
}

sf_token_memo *sf_token_memo_new(void) { return calloc(1, sizeof(sf_token_memo)); }

void sf_token_memo_free(sf_token_memo *m)
{
    if (m)
        sodium_memzero(m, sizeof *m);
    free(m);
}

bool sf_token_memo_get(sf_token_memo *m, const char *token, size_t len, int64_t now_s,
                       sf_jwt_claims *out)
{
    unsigned char key[KEY_BYTES];
    token_key(token, len, key);
    memo_slot *s = &m->slots[slot_of(key)];
    if (sodium_memcmp(s->key, key, KEY_BYTES) != 0 || s->claims.exp <= now_s)
        return false;
    *out = s->claims;
    return true;
}

void sf_token_memo_put(sf_token_memo *m, const char *token, size_t len, const sf_jwt_claims *c)
{
    unsigned char key[KEY_BYTES];
    token_key(token, len, key);
    memo_slot *s = &m->slots[slot_of(key)];
    memcpy(s->key, key, KEY_BYTES);
    s->claims = *c;
}
