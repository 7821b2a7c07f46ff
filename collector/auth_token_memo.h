/* Verified user tokens, remembered: a browser sends the same JWT with every request, and
 * checking its signature and claims again each time is most of what the access gate
 * costs. A fixed table (direct-mapped, SF_TOKEN_MEMO_SLOTS entries) keyed by a BLAKE2b
 * hash of the whole token keeps the claims of tokens already verified; a token that
 * differs in any byte (tampered) hashes elsewhere and is verified in full. Expiry is
 * checked on every hit, and the account's generation still is (auth_user_cache.h), so a
 * password change or a disable ends a remembered token as quickly as any other. Loop
 * thread only. */
#ifndef SF_AUTH_TOKEN_MEMO_H
#define SF_AUTH_TOKEN_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/auth_jwt.h"

#define SF_TOKEN_MEMO_SLOTS 1024

typedef struct sf_token_memo sf_token_memo;

sf_token_memo *sf_token_memo_new(void);
void sf_token_memo_free(sf_token_memo *m);
/* True and *out when token was verified before and has not expired at now_s. */
bool sf_token_memo_get(sf_token_memo *m, const char *token, size_t len, int64_t now_s,
                       sf_jwt_claims *out);
void sf_token_memo_put(sf_token_memo *m, const char *token, size_t len, const sf_jwt_claims *c);

#endif
