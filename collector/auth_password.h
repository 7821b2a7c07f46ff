/* Passwords: argon2id through libsodium's crypto_pwhash_str, the password policy of api.md
 * (8 or more Unicode code points, at most 1024 bytes of UTF-8), and a verification that
 * costs the same whether or not the account exists. */
#ifndef SF_AUTH_PASSWORD_H
#define SF_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <sodium.h>

#define SF_PASSWORD_MIN_CHARS 8
#define SF_PASSWORD_MAX_BYTES 1024
#define SF_PASSWORD_HASH_MAX crypto_pwhash_STRBYTES

/* libsodium's "interactive" argon2id cost: 2 passes over 64 MiB. */
#define SF_PWHASH_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define SF_PWHASH_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

/* NULL when the password is acceptable, else the reason (for a 422 message). */
const char *sf_password_policy(const char *password, size_t len);
/* Writes the argon2id string of password to out; returns 0, or -1 (out of memory). */
int sf_password_hash(const char *password, size_t len, char out[SF_PASSWORD_HASH_MAX]);
/* True when password matches stored. stored == NULL (no such account) checks against a
 * hash made at start with the same parameters, so the answer takes as long either way. */
bool sf_password_verify(const char *stored, const char *password, size_t len);
/* Makes the stand-in hash; call once at start (sf_password_verify does it if needed). */
int sf_password_init(void);

#endif
