/* The bodies of the account routes, decoded and validated without touching a request, so
 * the same code serves the handlers and the fuzz target: login (form-encoded, as the
 * reference's OAuth2 password form, or JSON with the same fields) and signup (JSON). */
#ifndef SF_AUTH_FORMS_H
#define SF_AUTH_FORMS_H

#include <stddef.h>

#include "collector/auth_password.h"
#include "collector/auth_users.h"
#include "common/record_json.h"

typedef struct sf_login_form {
    char username[SF_USERNAME_MAX + 1]; /* a username or an email */
    size_t username_len;
    char password[SF_PASSWORD_MAX_BYTES + 1];
    size_t password_len;
} sf_login_form;

typedef struct sf_signup_form {
    char email[SF_EMAIL_MAX + 1];      /* domain lower-cased */
    char username[SF_USERNAME_MAX + 1];
    char password[SF_PASSWORD_MAX_BYTES + 1];
    size_t password_len;
} sf_signup_form;

/* content_type may be NULL. Returns 0, or -1 with errs (loc "body"). */
int sf_login_form_parse(const char *content_type, const char *body, size_t len,
                        sf_login_form *out, sf_field_errors *errs);
int sf_signup_form_parse(const char *body, size_t len, sf_signup_form *out, sf_field_errors *errs);
/* Wipes the password copies. */
void sf_login_form_clear(sf_login_form *f);
void sf_signup_form_clear(sf_signup_form *f);

#endif
