/* Benchmark helper for auth_bench.sh: what the access gate spends on a user JWT, per
 * request, on one core: the full check (sf_jwt_verify: shape, header, constant-time
 * HMAC-SHA256, libjwt's parse, claims) and a repeat of a token already verified
 * (sf_token_memo_get: one BLAKE2b of the token and a table slot). Prints microseconds. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/auth_jwt.h"
#include "collector/auth_token_memo.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    if (sodium_init() < 0)
        return 1;
    sf_jwt_key key = {.len = 64};
    randombytes_buf(key.bytes, key.len);
    sf_jwt_claims c = {.user_id = 42, .role = SF_ROLE_ANALYST, .generation = 1,
                       .iat = time(NULL), .exp = time(NULL) + 43200};
    snprintf(c.sub, sizeof c.sub, "analyst-user");
    char *token = sf_jwt_issue(&key, &c);
    size_t len = strlen(token);
    sf_jwt_claims out;
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        if (sf_jwt_verify(&key, token, len, time(NULL), &out) != 0)
            return 2;
    double full = (now_s() - t0) / n * 1e6;
    sf_token_memo *memo = sf_token_memo_new();
    sf_token_memo_put(memo, token, len, &out);
    t0 = now_s();
    for (long i = 0; i < n; i++)
        if (!sf_token_memo_get(memo, token, len, time(NULL), &out))
            return 3;
    double hit = (now_s() - t0) / n * 1e6;
    printf("token %zu bytes: full check %.2f us, repeat (memo hit) %.2f us\n", len, full, hit);
    sf_token_memo_free(memo);
    free(token);
    return 0;
}
