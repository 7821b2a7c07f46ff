/* /api/auth/... (see api_auth.h). */
#include "collector/api_auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/app.h"
#include "collector/auth_forms.h"
#include "collector/db_pool.h"
#include "common/log.h"
#include "common/time_util.h"

#define GUEST_NAME "demo_user"
#define GUEST_EMAIL "demo@securaflow.com"

/* {"access_token","token_type","expires_in"} for claims (sub, user_id, role, gen set). */
static json_t *token_answer(sf_app *app, sf_jwt_claims *c)
{
    int64_t lifetime_s = app->config.token_lifetime_ms / 1000;
    c->iat = sf_now_us() / 1000000;
    c->exp = c->iat + lifetime_s;
    char *token = sf_jwt_issue(&app->jwt_key, c);
    if (!token)
        return NULL;
    json_t *out = json_pack("{s:s,s:s,s:I}", "access_token", token, "token_type", "bearer",
                            "expires_in", (json_int_t)lifetime_s);
    sodium_memzero(token, strlen(token));
    free(token);
    return out;
}

static const char *small_body(sf_request *r, size_t *len)
{
    const char *body = sf_request_body(r, len);
    if ((int64_t)*len > r->app->config.body_limit) {
        sf_reply_error(r, 413, "Request body too large");
        return NULL;
    }
    return body;
}

/* ---- signup ---- */

typedef struct signup_job {
    sf_signup_form form;
} signup_job;

static void signup_free(void *arg)
{
    sf_signup_form_clear(&((signup_job *)arg)->form);
    free(arg);
}

static json_t *signup_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    signup_job *job = ctx;
    char hash[SF_PASSWORD_HASH_MAX];
    if (sf_password_hash(job->form.password, job->form.password_len, hash) != 0) {
        snprintf(err, err_size, "password hashing failed (out of memory?)");
        return NULL;
    }
    sf_user user;
    sf_user_result rc = sf_user_create(conn, job->form.email, job->form.username, hash,
                                       SF_ROLE_NONE, &user, err, err_size);
    sodium_memzero(hash, sizeof hash);
    if (rc == SF_USER_EMAIL_TAKEN || rc == SF_USER_NAME_TAKEN) {
        *status = 400;
        return json_pack("{s:s}", "detail", rc == SF_USER_EMAIL_TAKEN ? "Email already registered"
                                                                      : "Username already taken");
    }
    if (rc != SF_USER_OK)
        return NULL;
    sf_log(SF_LOG_INFO, "account created", json_pack("{s:I,s:s}", "user_id", (json_int_t)user.id,
                                                     "role", sf_role_name(user.role)));
    *status = 201;
    return sf_user_json(&user);
}

void sf_api_auth_signup(sf_request *r)
{
    if (!r->app->config.allow_signup) {
        sf_reply_error(r, 403, "Signup is disabled");
        return;
    }
    size_t len;
    const char *body = small_body(r, &len);
    if (!body)
        return;
    signup_job *job = calloc(1, sizeof *job);
    if (!job) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    sf_field_errors errs = {0};
    if (sf_signup_form_parse(body, len, &job->form, &errs) != 0) {
        signup_free(job);
        sf_reply_invalid(r, &errs, "body");
        return;
    }
    sf_db_pool_submit(r->app->auth_pool, r, signup_run, job, signup_free);
}

/* ---- login ---- */

typedef struct login_job {
    sf_request *r;             /* only for its headers: nobody else touches r meanwhile */
    sf_app *app;
    sf_login_form form;
} login_job;

static void login_free(void *arg)
{
    sf_login_form_clear(&((login_job *)arg)->form);
    free(arg);
}

static json_t *login_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    login_job *job = ctx;
    sf_user user;
    sf_user_result found = sf_user_find(conn, job->form.username, &user, err, err_size);
    if (found == SF_USER_DB_ERROR)
        return NULL;
    /* Unknown accounts are checked against a stand-in hash: the same work either way. */
    bool ok = sf_password_verify(found == SF_USER_OK ? user.password_hash : NULL,
                                 job->form.password, job->form.password_len);
    sodium_memzero(user.password_hash, sizeof user.password_hash);
    if (!ok) {
        sf_log(SF_LOG_INFO, "login failed", NULL);
        sf_reply_add_header(job->r, "WWW-Authenticate", "Bearer");
        *status = 401;
        return json_pack("{s:s}", "detail", "Incorrect username or password");
    }
    if (!user.is_active) {
        *status = 403;
        return json_pack("{s:s}", "detail", "Inactive user");
    }
    sf_user_touch_login(conn, user.id);
    sf_user_state st = {user.id, user.generation, user.role, user.is_active};
    sf_user_cache_put(job->app->users, &st);
    sf_jwt_claims c = {.user_id = user.id, .role = user.role, .generation = user.generation};
    snprintf(c.sub, sizeof c.sub, "%s", user.username);
    json_t *out = token_answer(job->app, &c);
    if (!out)
        snprintf(err, err_size, "token signing failed");
    else
        sf_log(SF_LOG_INFO, "login", json_pack("{s:I}", "user_id", (json_int_t)user.id));
    return out;
}

void sf_api_auth_login(sf_request *r)
{
    size_t len;
    const char *body = small_body(r, &len);
    if (!body)
        return;
    login_job *job = calloc(1, sizeof *job);
    if (!job) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    job->r = r;
    job->app = r->app;
    sf_field_errors errs = {0};
    const char *type = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Content-Type");
    if (sf_login_form_parse(type, body, len, &job->form, &errs) != 0) {
        login_free(job);
        sf_reply_invalid(r, &errs, "body");
        return;
    }
    sf_db_pool_submit(r->app->auth_pool, r, login_run, job, login_free);
}

/* ---- demo and me ---- */

void sf_api_auth_demo(sf_request *r)
{
    sf_jwt_claims c = {.user_id = 0, .role = SF_ROLE_GUEST};
    snprintf(c.sub, sizeof c.sub, "%s", GUEST_NAME);
    json_t *out = token_answer(r->app, &c);
    if (!out) {
        sf_reply_internal(r, "token signing failed");
        return;
    }
    sf_reply_json(r, 200, out);
}

typedef struct me_job {
    sf_request *r;             /* only for its headers */
    int64_t id;
} me_job;

static json_t *me_run(PGconn *conn, void *ctx, int *status, char *err, size_t err_size)
{
    me_job *job = ctx;
    sf_user user;
    sf_user_result rc = sf_user_get(conn, job->id, &user, err, err_size);
    sodium_memzero(user.password_hash, sizeof user.password_hash);
    if (rc == SF_USER_DB_ERROR)
        return NULL;
    if (rc != SF_USER_OK) {
        sf_reply_add_header(job->r, "WWW-Authenticate", "Bearer");
        *status = 401;
        return json_pack("{s:s}", "detail", "Invalid authentication credentials");
    }
    return sf_user_json(&user);
}

void sf_api_auth_me(sf_request *r)
{
    if (r->auth.role == SF_ROLE_GUEST) {
        sf_user guest = {.id = 0, .role = SF_ROLE_GUEST, .is_active = true,
                         .created_us = sf_now_us()};
        snprintf(guest.username, sizeof guest.username, GUEST_NAME);
        snprintf(guest.email, sizeof guest.email, GUEST_EMAIL);
        sf_reply_json(r, 200, sf_user_json(&guest));
        return;
    }
    me_job *job = malloc(sizeof *job);
    if (!job) {
        sf_reply_internal(r, "out of memory");
        return;
    }
    job->r = r;
    job->id = r->auth.user_id;
    sf_db_pool_submit(r->app->db_pool, r, me_run, job, free);
}
