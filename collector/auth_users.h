/* Accounts in PostgreSQL (table users): create (the first account on an empty database is
 * admin, later ones analyst), find by username or email, change a password, disable or
 * enable, list. Every change that must end existing tokens raises token_generation; every
 * change takes a new change_seq so collectors can follow changes cheaply
 * (auth_user_cache.h). Used by the API (on pool threads) and by the CLI. */
#ifndef SF_AUTH_USERS_H
#define SF_AUTH_USERS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "collector/auth_jwt.h"
#include "collector/auth_password.h"

#define SF_EMAIL_MAX 254

typedef struct sf_user {
    int64_t id;
    char username[SF_USERNAME_MAX + 1];
    char email[SF_EMAIL_MAX + 1];
    sf_role role;
    bool is_active;
    int64_t generation;
    int64_t created_us;
    char password_hash[SF_PASSWORD_HASH_MAX];
} sf_user;

typedef enum {
    SF_USER_OK,
    SF_USER_NOT_FOUND,
    SF_USER_EMAIL_TAKEN,
    SF_USER_NAME_TAKEN,
    SF_USER_DB_ERROR,      /* message in err */
} sf_user_result;

/* Finds by username, else by email (case-insensitive); the username wins a tie. */
sf_user_result sf_user_find(PGconn *conn, const char *name_or_email, sf_user *out, char *err,
                            size_t err_size);
sf_user_result sf_user_get(PGconn *conn, int64_t id, sf_user *out, char *err, size_t err_size);
/* role SF_ROLE_NONE: admin if there is no account yet, else analyst (decided under a lock,
 * so two first signups cannot both become admin). */
sf_user_result sf_user_create(PGconn *conn, const char *email, const char *username,
                              const char *password_hash, sf_role role, sf_user *out, char *err,
                              size_t err_size);
sf_user_result sf_user_set_password(PGconn *conn, const char *username, const char *password_hash,
                                    char *err, size_t err_size);
sf_user_result sf_user_set_active(PGconn *conn, const char *username, bool active, char *err,
                                  size_t err_size);
/* Records a successful login. */
void sf_user_touch_login(PGconn *conn, int64_t id);
/* Every account (no hashes) as a JSON array of sf_user_json objects. */
json_t *sf_user_list(PGconn *conn, char *err, size_t err_size);

/* {"id","email","username","role","is_active","created_at"} */
json_t *sf_user_json(const sf_user *u);

/* Checks an email address the way a signup form needs: one @, a local part of 1-64
 * printable characters, a dotted domain of letters, digits and hyphens. Writes the address
 * with its domain lower-cased to out. Returns 0 or -1. */
int sf_email_normalise(const char *email, char out[SF_EMAIL_MAX + 1]);

#endif
