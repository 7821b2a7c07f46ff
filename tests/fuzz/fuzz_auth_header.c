/* Fuzz target: what a request's Authorization header reaches: the bearer parse, then the
 * JWT check (shape, header, signature, claims) with a fixed key. The first byte picks the
 * mode: raw header text, or a header and payload (split at the first NUL) that are
 * encoded and signed with the key here, so the claim checks behind the signature are
 * explored too. Whatever passes must be well formed: a known role, exp after iat, a
 * subject of bounded length. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/auth_jwt.h"
#include "collector/http_server.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static const sf_jwt_key *key(void)
{
    static sf_jwt_key k;
    if (!k.len) {
        memset(k.bytes, 'k', 40);
        k.len = 40;
        if (sodium_init() < 0)
            abort();
    }
    return &k;
}

static void verify(const char *token, size_t len)
{
    sf_jwt_claims c;
    if (sf_jwt_verify(key(), token, len, 1800000000, &c) != 0)
        return;
    if (c.role == SF_ROLE_NONE || c.role == SF_ROLE_INGEST || c.exp <= c.iat ||
        strlen(c.sub) == 0 || strlen(c.sub) > SF_USERNAME_MAX)
        abort();
}

/* Signs header.payload (both raw JSON text) and checks the token. */
static void signed_token(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t hlen = nul ? (size_t)(nul - data) : size;
    size_t plen = nul ? size - hlen - 1 : 0;
    if (hlen > 1024 || plen > 2048)
        return;
    char text[SF_JWT_TEXT_MAX + 64];
    size_t n = 0;
    sodium_bin2base64(text, sizeof text, data, hlen, B64);
    n = strlen(text);
    text[n++] = '.';
    sodium_bin2base64(text + n, sizeof text - n, nul ? nul + 1 : data, plen, B64);
    n += strlen(text + n);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key()->bytes, key()->len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, n);
    crypto_auth_hmacsha256_final(&st, mac);
    text[n++] = '.';
    sodium_bin2base64(text + n, sizeof text - n, mac, sizeof mac, B64);
    verify(text, strlen(text));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 16384)
        return 0;
    if (data[0] & 1) {
        signed_token(data + 1, size - 1);
        return 0;
    }
    char *header = malloc(size);
    memcpy(header, data + 1, size - 1);
    header[size - 1] = '\0';
    size_t len;
    const char *token = sf_bearer_from_header(header, &len);
    if (token && (len == 0 || token + len > header + strlen(header)))
        abort();
    if (token)
        verify(token, len);
    free(header);
    return 0;
}
