/* Fuzz target: the account routes' bodies and the address lists of the configuration.
 * The first byte picks: a login form (application/x-www-form-urlencoded), a login in
 * JSON, a signup (JSON), an email address, or an address list (trusted_proxies,
 * metrics_allow) probed with a few addresses. What is accepted must meet the rules it
 * was accepted under. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/auth_cidr.h"
#include "collector/auth_forms.h"

static char *text_of(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);
    memcpy(t, data, size);
    t[size] = '\0';
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    sf_field_errors errs = {0};
    switch (data[0] % 5) {
    case 0:
    case 1: {
        sf_login_form f;
        const char *type = data[0] % 5 == 0 ? "application/x-www-form-urlencoded" : "application/json";
        if (sf_login_form_parse(type, body, len, &f, &errs) == 0 &&
            (f.username_len == 0 || strlen(f.username) != f.username_len ||
             f.password_len > SF_PASSWORD_MAX_BYTES))
            abort();
        if (errs.count > SF_FIELD_ERRORS_MAX)
            abort();
        sf_login_form_clear(&f);
        break;
    }
    case 2: {
        sf_signup_form f;
        char again[SF_EMAIL_MAX + 1];
        if (sf_signup_form_parse(body, len, &f, &errs) == 0 &&
            (sf_password_policy(f.password, f.password_len) != NULL ||
             sf_email_normalise(f.email, again) != 0 || strcmp(again, f.email) != 0 ||
             strlen(f.username) < 3))
            abort();
        sf_signup_form_clear(&f);
        break;
    }
    case 3: {
        char *t = text_of((const uint8_t *)body, len), out[SF_EMAIL_MAX + 1], again[SF_EMAIL_MAX + 1];
        if (sf_email_normalise(t, out) == 0 &&
            (!strchr(out, '@') || sf_email_normalise(out, again) != 0 || strcmp(out, again) != 0))
            abort(); /* normalising is idempotent */
        free(t);
        break;
    }
    default: {
        char *t = text_of((const uint8_t *)body, len), err[256];
        sf_cidr_list *l = sf_cidr_list_parse(t, err, sizeof err);
        const char *probes[] = {"127.0.0.1", "::1", "10.1.2.3", "::ffff:10.1.2.3", "fe80::1", "x"};
        for (size_t i = 0; l && i < sizeof probes / sizeof probes[0]; i++)
            (void)sf_cidr_list_contains(l, probes[i]);
        sf_cidr_list_free(l);
        free(t);
        break;
    }
    }
    return 0;
}
