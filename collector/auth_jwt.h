/* User tokens: JWTs signed with HS256 (pinned: no other algorithm is ever accepted), made
 * and read with libjwt. The key comes from a file named in configuration (so several
 * collectors can share it) or is generated at first start into DATA_DIR/jwt.key, mode
 * 0600. There is no built-in key. Claims: sub, user_id, role, iat, exp, jti and gen (the
 * account's token generation: a password change or a disable raises it, which ends every
 * token carrying the old one). */
#ifndef SF_AUTH_JWT_H
#define SF_AUTH_JWT_H

#include <stddef.h>
#include <stdint.h>

#define SF_JWT_KEY_MIN 32
#define SF_JWT_KEY_MAX 1024
#define SF_JWT_TEXT_MAX 4096   /* longer bearer strings are refused before any parsing */
#define SF_USERNAME_CHARS 100
#define SF_USERNAME_MAX (SF_USERNAME_CHARS * 4) /* bytes of UTF-8 */

typedef enum { SF_ROLE_NONE, SF_ROLE_GUEST, SF_ROLE_ANALYST, SF_ROLE_ADMIN, SF_ROLE_INGEST } sf_role;

const char *sf_role_name(sf_role role);
/* "admin"/"analyst"/"guest" -> role; SF_ROLE_NONE otherwise. */
sf_role sf_role_parse(const char *name);

typedef struct sf_jwt_key {
    unsigned char bytes[SF_JWT_KEY_MAX];
    size_t len;
} sf_jwt_key;

typedef struct sf_jwt_claims {
    char sub[SF_USERNAME_MAX + 1];
    int64_t user_id;           /* 0 for guest tokens */
    sf_role role;
    int64_t iat, exp;          /* seconds since the epoch */
    int64_t generation;
    char jti[33];
} sf_jwt_claims;

/* Loads the key from key_file, or (key_file empty) from DATA_DIR/jwt.key, making that file
 * with 32 random bytes' worth of text if it does not exist. A file readable by group or
 * others, or shorter than 32 bytes, is refused. Returns 0, or -1 with err. */
int sf_jwt_key_load(sf_jwt_key *key, const char *key_file, const char *data_dir, char *err,
                    size_t err_size);

/* Signs claims (jti is filled in); returns the token (free()) or NULL. */
char *sf_jwt_issue(const sf_jwt_key *key, sf_jwt_claims *claims);

/* Checks token: shape, header {"alg":"HS256"}, signature (constant time), claims present
 * and typed, not expired at now_s, not issued in the future. Returns 0 and fills out, or
 * -1 for any failure (the caller says only "Invalid authentication credentials"). */
int sf_jwt_verify(const sf_jwt_key *key, const char *token, size_t len, int64_t now_s,
                  sf_jwt_claims *out);

#endif
