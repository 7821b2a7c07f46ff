/* Account route bodies (see auth_forms.h). */
#include "collector/auth_forms.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FORM_FIELDS_MAX 16

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes one application/x-www-form-urlencoded value into out (at most cap bytes);
 * returns its length, or -1 if it is too long or badly escaped. */
static long form_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (o >= cap)
            return -1;
        out[o++] = c;
    }
    return (long)o;
}

/* Finds field name in a form body and decodes its value; 1 found, 0 absent, -1 bad. */
static int form_field(const char *body, size_t len, const char *name, char *out, size_t cap,
                      size_t *out_len)
{
    size_t nlen = strlen(name);
    for (size_t i = 0, fields = 0; i < len && fields < FORM_FIELDS_MAX * 4; fields++) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        const char *eq = memchr(body + i, '=', end - i);
        size_t key_end = eq ? (size_t)(eq - body) : end;
        if (key_end - i == nlen && memcmp(body + i, name, nlen) == 0) {
            size_t vstart = eq ? key_end + 1 : end;
            long got = form_decode(body + vstart, end - vstart, out, cap);
            if (got < 0)
                return -1;
            *out_len = (size_t)got;
            return 1;
        }
        i = end + 1;
    }
    return 0;
}

static int is_form(const char *content_type)
{
    return content_type &&
           strncasecmp(content_type, "application/x-www-form-urlencoded", 33) == 0;
}

/* Copies a JSON string member into out (NUL-terminated, length in *len): 1, 0 absent, -1
 * wrong type or too long (error added). */
static int json_text(json_t *obj, const char *key, char *out, size_t cap, size_t *len,
                     sf_field_errors *errs)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        sf_field_errors_add(errs, key, "string_type", "Input should be a valid string");
        return -1;
    }
    size_t n = json_string_length(v);
    if (n >= cap) {
        sf_field_errors_add(errs, key, "string_too_long", "String should have at most %zu bytes", cap - 1);
        return -1;
    }
    memcpy(out, json_string_value(v), n);
    out[n] = '\0';
    *len = n;
    return 1;
}

static void require(int found, const char *key, sf_field_errors *errs)
{
    if (found == 0)
        sf_field_errors_add(errs, key, "missing", "Field required");
}

static int login_from_form(const char *body, size_t len, sf_login_form *out, sf_field_errors *errs)
{
    char grant[32];
    size_t glen = 0;
    if (memchr(body, '\0', len)) {
        sf_field_errors_add(errs, "body", "form_invalid", "Body is not a valid form");
        return -1;
    }
    int u = form_field(body, len, "username", out->username, sizeof out->username - 1,
                       &out->username_len);
    int p = form_field(body, len, "password", out->password, sizeof out->password - 1,
                       &out->password_len);
    int g = form_field(body, len, "grant_type", grant, sizeof grant - 1, &glen);
    out->username[out->username_len] = '\0';
    out->password[out->password_len] = '\0';
    if (u < 0)
        sf_field_errors_add(errs, "username", "string_too_long", "Invalid or too long value");
    if (p < 0)
        sf_field_errors_add(errs, "password", "string_too_long", "Invalid or too long value");
    require(u, "username", errs);
    require(p, "password", errs);
    if (g < 0 || (g == 1 && (glen != 8 || memcmp(grant, "password", 8) != 0)))
        sf_field_errors_add(errs, "grant_type", "string_pattern_mismatch",
                            "String should match pattern '^password$'");
    return errs->count ? -1 : 0;
}

static int login_from_json(const char *body, size_t len, sf_login_form *out, sf_field_errors *errs)
{
    json_t *root = sf_json_load_bounded(body, len, 4, NULL);
    if (!json_is_object(root)) {
        json_decref(root);
        sf_field_errors_add(errs, "body", "json_invalid", "Body should be a JSON object or a form");
        return -1;
    }
    require(json_text(root, "username", out->username, sizeof out->username, &out->username_len, errs),
            "username", errs);
    require(json_text(root, "password", out->password, sizeof out->password, &out->password_len,
                      errs), "password", errs);
    json_t *g = json_object_get(root, "grant_type");
    if (g && !json_is_null(g) && !(json_is_string(g) && strcmp(json_string_value(g), "password") == 0))
        sf_field_errors_add(errs, "grant_type", "string_pattern_mismatch",
                            "String should match pattern '^password$'");
    json_decref(root);
    return errs->count ? -1 : 0;
}

int sf_login_form_parse(const char *content_type, const char *body, size_t len,
                        sf_login_form *out, sf_field_errors *errs)
{
    memset(out, 0, sizeof *out);
    int rc = is_form(content_type) ? login_from_form(body, len, out, errs)
                                   : login_from_json(body, len, out, errs);
    if (rc == 0 && (out->username_len == 0 || strlen(out->username) != out->username_len)) {
        sf_field_errors_add(errs, "username", "string_too_short", "String should have at least 1 character");
        rc = -1;
    }
    return rc;
}

static size_t utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

int sf_signup_form_parse(const char *body, size_t len, sf_signup_form *out, sf_field_errors *errs)
{
    memset(out, 0, sizeof *out);
    json_t *root = sf_json_load_bounded(body, len, 4, NULL);
    if (!json_is_object(root)) {
        json_decref(root);
        sf_field_errors_add(errs, "body", "json_invalid", "Body should be a JSON object");
        return -1;
    }
    char email[SF_EMAIL_MAX + 2];
    size_t elen = 0, ulen = 0;
    int e = json_text(root, "email", email, sizeof email, &elen, errs);
    int u = json_text(root, "username", out->username, sizeof out->username, &ulen, errs);
    int p = json_text(root, "password", out->password, sizeof out->password, &out->password_len, errs);
    json_decref(root);
    require(e, "email", errs);
    require(u, "username", errs);
    require(p, "password", errs);
    if (e == 1 && (strlen(email) != elen || sf_email_normalise(email, out->email) != 0))
        sf_field_errors_add(errs, "email", "value_error",
                            "value is not a valid email address");
    if (u == 1) {
        size_t chars = strlen(out->username) == ulen ? utf8_count(out->username) : 0;
        if (chars < 3)
            sf_field_errors_add(errs, "username", "string_too_short", "String should have at least 3 characters");
        else if (chars > SF_USERNAME_CHARS)
            sf_field_errors_add(errs, "username", "string_too_long", "String should have at most %d characters", SF_USERNAME_CHARS);
    }
    const char *why = p == 1 ? sf_password_policy(out->password, out->password_len) : NULL;
    if (why)
        sf_field_errors_add(errs, "password", strstr(why, "least") ? "string_too_short" : "value_error",
                            "%s", why);
    return errs->count ? -1 : 0;
}

void sf_login_form_clear(sf_login_form *f) { sodium_memzero(f, sizeof *f); }
void sf_signup_form_clear(sf_signup_form *f) { sodium_memzero(f, sizeof *f); }
