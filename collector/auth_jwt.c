/* User tokens (see auth_jwt.h). libjwt makes and parses the tokens; before libjwt sees a
 * token, the header is checked for HS256 and the signature is compared in constant time
 * with libsodium, so "alg: none", another algorithm or a forged signature never gets as
 * far as the claims. */
#include "collector/auth_jwt.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define B64URL sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define CLOCK_SKEW_S 60

const char *sf_role_name(sf_role role)
{
    switch (role) {
    case SF_ROLE_GUEST: return "guest";
    case SF_ROLE_ANALYST: return "analyst";
    case SF_ROLE_ADMIN: return "admin";
    case SF_ROLE_INGEST: return "ingest";
    default: return "none";
    }
}

sf_role sf_role_parse(const char *name)
{
    if (!name)
        return SF_ROLE_NONE;
    if (strcmp(name, "admin") == 0)
        return SF_ROLE_ADMIN;
    if (strcmp(name, "analyst") == 0)
        return SF_ROLE_ANALYST;
    if (strcmp(name, "guest") == 0)
        return SF_ROLE_GUEST;
    return SF_ROLE_NONE;
}

/* Creates path with a new random key, mode 0600; an existing file is left alone. */
static int generate_key_file(const char *path, char *err, size_t err_size)
{
    unsigned char raw[48];
    char text[sodium_base64_ENCODED_LEN(48, B64URL) + 1];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return 0;
        snprintf(err, err_size, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(text, sizeof text, raw, sizeof raw, B64URL);
    size_t n = strlen(text);
    text[n++] = '\n';
    int ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    close(fd);
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(text, sizeof text);
    if (!ok) {
        unlink(path);
        snprintf(err, err_size, "cannot write %s", path);
        return -1;
    }
    return 0;
}

int sf_jwt_key_load(sf_jwt_key *key, const char *key_file, const char *data_dir, char *err,
                    size_t err_size)
{
    char path[4096];
    if (key_file && key_file[0]) {
        snprintf(path, sizeof path, "%s", key_file);
    } else {
        if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, err_size, "cannot create data directory %s: %s", data_dir, strerror(errno));
            return -1;
        }
        snprintf(path, sizeof path, "%s/jwt.key", data_dir);
        if (generate_key_file(path, err, err_size))
            return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, err_size, "cannot read JWT key file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (st.st_mode & 077) {
        close(fd);
        snprintf(err, err_size, "JWT key file %s is readable by group or others (chmod 600 it)", path);
        return -1;
    }
    ssize_t n = read(fd, key->bytes, sizeof key->bytes);
    close(fd);
    while (n > 0 && (key->bytes[n - 1] == '\n' || key->bytes[n - 1] == '\r' ||
                     key->bytes[n - 1] == ' ' || key->bytes[n - 1] == '\t'))
        n--;
    if (n < SF_JWT_KEY_MIN || (size_t)n >= sizeof key->bytes) {
        sodium_memzero(key->bytes, sizeof key->bytes);
        snprintf(err, err_size, "JWT key file %s must hold %d to %d bytes", path, SF_JWT_KEY_MIN,
                 SF_JWT_KEY_MAX - 1);
        return -1;
    }
    key->len = (size_t)n;
    return 0;
}

char *sf_jwt_issue(const sf_jwt_key *key, sf_jwt_claims *c)
{
    unsigned char id[16];
    randombytes_buf(id, sizeof id);
    sodium_bin2hex(c->jti, sizeof c->jti, id, sizeof id);
    jwt_t *jwt = NULL;
    if (jwt_new(&jwt) != 0)
        return NULL;
    char *out = NULL;
    if (jwt_add_grant(jwt, "sub", c->sub) == 0 &&
        jwt_add_grant_int(jwt, "user_id", (long)c->user_id) == 0 &&
        jwt_add_grant(jwt, "role", sf_role_name(c->role)) == 0 &&
        jwt_add_grant_int(jwt, "iat", (long)c->iat) == 0 &&
        jwt_add_grant_int(jwt, "exp", (long)c->exp) == 0 &&
        jwt_add_grant(jwt, "jti", c->jti) == 0 &&
        jwt_add_grant_int(jwt, "gen", (long)c->generation) == 0 &&
        (c->role != SF_ROLE_GUEST || jwt_add_grant_bool(jwt, "demo", 1) == 0) &&
        jwt_set_alg(jwt, JWT_ALG_HS256, key->bytes, (int)key->len) == 0)
        out = jwt_encode_str(jwt);
    jwt_free(jwt);
    return out;
}

static int is_b64url(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return n > 0;
}

/* The header must be a JSON object with alg "HS256", typ absent or "JWT", and no crit. */
static int header_ok(const char *seg, size_t n)
{
    unsigned char text[512];
    size_t len;
    if (n > 600 || sodium_base642bin(text, sizeof text - 1, seg, n, NULL, &len, NULL, B64URL) != 0)
        return 0;
    json_t *h = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, NULL);
    const char *alg = json_string_value(json_object_get(h, "alg"));
    json_t *typ = json_object_get(h, "typ");
    int ok = json_is_object(h) && alg && strcmp(alg, "HS256") == 0 &&
             (!typ || (json_is_string(typ) && strcmp(json_string_value(typ), "JWT") == 0)) &&
             !json_object_get(h, "crit");
    json_decref(h);
    return ok;
}

static int signature_ok(const sf_jwt_key *key, const char *token, size_t signed_len,
                        const char *sig, size_t sig_len)
{
    unsigned char given[crypto_auth_hmacsha256_BYTES + 1], mac[crypto_auth_hmacsha256_BYTES];
    size_t len;
    if (sodium_base642bin(given, sizeof given, sig, sig_len, NULL, &len, NULL, B64URL) != 0 ||
        len != crypto_auth_hmacsha256_BYTES)
        return 0;
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key->bytes, key->len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)token, signed_len);
    crypto_auth_hmacsha256_final(&st, mac);
    return sodium_memcmp(mac, given, sizeof mac) == 0;
}

/* Reads an integer claim; -1 if it is missing or not an integer. */
static int int_claim(jwt_t *jwt, const char *name, int64_t *out)
{
    errno = 0;
    long v = jwt_get_grant_int(jwt, name);
    if (errno != 0)
        return -1;
    *out = v;
    return 0;
}

static int claims_from(jwt_t *jwt, int64_t now_s, sf_jwt_claims *out)
{
    const char *sub = jwt_get_grant(jwt, "sub");
    const char *role = jwt_get_grant(jwt, "role");
    const char *jti = jwt_get_grant(jwt, "jti");
    memset(out, 0, sizeof *out);
    if (!sub || !sub[0] || strlen(sub) > SF_USERNAME_MAX || !jti || strlen(jti) >= sizeof out->jti)
        return -1;
    out->role = sf_role_parse(role);
    if (out->role == SF_ROLE_NONE || int_claim(jwt, "user_id", &out->user_id) ||
        int_claim(jwt, "iat", &out->iat) || int_claim(jwt, "exp", &out->exp))
        return -1;
    if (out->role != SF_ROLE_GUEST && (int_claim(jwt, "gen", &out->generation) || out->user_id <= 0))
        return -1;
    if (out->role == SF_ROLE_GUEST && out->user_id != 0)
        return -1;
    if (out->exp <= now_s || out->iat > now_s + CLOCK_SKEW_S || out->exp <= out->iat)
        return -1;
    snprintf(out->sub, sizeof out->sub, "%s", sub);
    snprintf(out->jti, sizeof out->jti, "%s", jti);
    return 0;
}

int sf_jwt_verify(const sf_jwt_key *key, const char *token, size_t len, int64_t now_s,
                  sf_jwt_claims *out)
{
    if (!token || len == 0 || len > SF_JWT_TEXT_MAX || memchr(token, '\0', len) || !key->len)
        return -1;
    const char *dot1 = memchr(token, '.', len);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
        return -1;
    size_t hlen = (size_t)(dot1 - token), plen = (size_t)(dot2 - dot1 - 1);
    size_t slen = len - (size_t)(dot2 + 1 - token);
    if (!is_b64url(token, hlen) || !is_b64url(dot1 + 1, plen) || !is_b64url(dot2 + 1, slen) ||
        !header_ok(token, hlen) || !signature_ok(key, token, (size_t)(dot2 - token), dot2 + 1, slen))
        return -1;
    char copy[SF_JWT_TEXT_MAX + 1];
    memcpy(copy, token, len);
    copy[len] = '\0';
    jwt_t *jwt = NULL;
    int rc = -1;
    if (jwt_decode(&jwt, copy, key->bytes, (int)key->len) == 0 && jwt_get_alg(jwt) == JWT_ALG_HS256)
        rc = claims_from(jwt, now_s, out);
    jwt_free(jwt);
    return rc;
}
