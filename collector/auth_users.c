/* Accounts in PostgreSQL (see auth_users.h). */
#include "collector/auth_users.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time_util.h"

#define USER_COLUMNS "id, username, email, role, is_active, token_generation," \
                     " (extract(epoch FROM created_at) * 1000000)::bigint, password_hash"

static void user_from_row(const PGresult *res, int row, sf_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
    snprintf(u->username, sizeof u->username, "%s", PQgetvalue(res, row, 1));
    snprintf(u->email, sizeof u->email, "%s", PQgetvalue(res, row, 2));
    u->role = sf_role_parse(PQgetvalue(res, row, 3));
    u->is_active = PQgetvalue(res, row, 4)[0] == 't';
    u->generation = strtoll(PQgetvalue(res, row, 5), NULL, 10);
    u->created_us = strtoll(PQgetvalue(res, row, 6), NULL, 10);
    snprintf(u->password_hash, sizeof u->password_hash, "%s", PQgetvalue(res, row, 7));
}

static sf_user_result fetch_one(PGconn *conn, const char *sql, int n, const char *const *params,
                                sf_user *out, char *err, size_t err_size)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    sf_user_result rc = SF_USER_NOT_FOUND;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        rc = SF_USER_DB_ERROR;
    } else if (PQntuples(res) > 0) {
        user_from_row(res, 0, out);
        rc = SF_USER_OK;
    }
    PQclear(res);
    return rc;
}

sf_user_result sf_user_find(PGconn *conn, const char *name_or_email, sf_user *out, char *err,
                            size_t err_size)
{
    const char *p[1] = {name_or_email};
    return fetch_one(conn, "SELECT " USER_COLUMNS " FROM users WHERE username = $1 OR "
                     "lower(email) = lower($1) ORDER BY (username = $1) DESC LIMIT 1",
                     1, p, out, err, err_size);
}

sf_user_result sf_user_get(PGconn *conn, int64_t id, sf_user *out, char *err, size_t err_size)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    const char *p[1] = {idtext};
    return fetch_one(conn, "SELECT " USER_COLUMNS " FROM users WHERE id = $1", 1, p, out, err,
                     err_size);
}

static int exec_ok(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    return ok;
}

sf_user_result sf_user_create(PGconn *conn, const char *email, const char *username,
                              const char *password_hash, sf_role role, sf_user *out, char *err,
                              size_t err_size)
{
    /* The lock serialises signups, so "is this the first account?" and the checks for
     * taken names cannot race another signup. */
    if (!exec_ok(conn, "BEGIN") || !exec_ok(conn, "SELECT pg_advisory_xact_lock(7251900001)")) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        exec_ok(conn, "ROLLBACK");
        return SF_USER_DB_ERROR;
    }
    const char *role_text = role == SF_ROLE_NONE ? "" : sf_role_name(role);
    const char *p[4] = {email, username, password_hash, role_text};
    PGresult *res = PQexecParams(conn,
        "WITH taken AS (SELECT"
        "   EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1)) AS email,"
        "   EXISTS (SELECT 1 FROM users WHERE username = $2) AS name),"
        " made AS (INSERT INTO users (email, username, password_hash, role)"
        "   SELECT $1, $2, $3, CASE WHEN $4 <> '' THEN $4"
        "     WHEN EXISTS (SELECT 1 FROM users) THEN 'analyst' ELSE 'admin' END"
        "   FROM taken WHERE NOT taken.email AND NOT taken.name RETURNING " USER_COLUMNS ")"
        " SELECT made.*, taken.email, taken.name FROM taken LEFT JOIN made ON true",
        4, NULL, p, NULL, NULL, 0);
    sf_user_result rc;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        rc = SF_USER_DB_ERROR;
    } else if (PQgetvalue(res, 0, 8)[0] == 't') {
        rc = SF_USER_EMAIL_TAKEN;
    } else if (PQgetvalue(res, 0, 9)[0] == 't') {
        rc = SF_USER_NAME_TAKEN;
    } else {
        user_from_row(res, 0, out);
        rc = SF_USER_OK;
    }
    PQclear(res);
    if (!exec_ok(conn, rc == SF_USER_OK ? "COMMIT" : "ROLLBACK") && rc == SF_USER_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        rc = SF_USER_DB_ERROR;
    }
    return rc;
}

static sf_user_result update_one(PGconn *conn, const char *sql, int n, const char *const *params,
                                 char *err, size_t err_size)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    sf_user_result rc = SF_USER_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        rc = SF_USER_DB_ERROR;
    } else if (strcmp(PQcmdTuples(res), "1") != 0) {
        rc = SF_USER_NOT_FOUND;
    }
    PQclear(res);
    return rc;
}

sf_user_result sf_user_set_password(PGconn *conn, const char *username, const char *password_hash,
                                    char *err, size_t err_size)
{
    const char *p[2] = {username, password_hash};
    return update_one(conn, "UPDATE users SET password_hash = $2,"
                      " token_generation = token_generation + 1,"
                      " change_seq = nextval('users_change_seq') WHERE username = $1",
                      2, p, err, err_size);
}

sf_user_result sf_user_set_active(PGconn *conn, const char *username, bool active, char *err,
                                  size_t err_size)
{
    const char *p[2] = {username, active ? "t" : "f"};
    return update_one(conn, "UPDATE users SET is_active = $2,"
                      " token_generation = token_generation + CASE WHEN $2 THEN 0 ELSE 1 END,"
                      " change_seq = nextval('users_change_seq') WHERE username = $1",
                      2, p, err, err_size);
}

void sf_user_touch_login(PGconn *conn, int64_t id)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    const char *p[1] = {idtext};
    PQclear(PQexecParams(conn, "UPDATE users SET last_login = now() WHERE id = $1", 1, NULL, p,
                         NULL, NULL, 0));
}

json_t *sf_user_json(const sf_user *u)
{
    char created[40];
    return json_pack("{s:I,s:s,s:s,s:s,s:b,s:s}", "id", (json_int_t)u->id, "email", u->email,
                     "username", u->username, "role", sf_role_name(u->role), "is_active",
                     u->is_active, "created_at", sf_time_format(u->created_us, created, sizeof created));
}

json_t *sf_user_list(PGconn *conn, char *err, size_t err_size)
{
    PGresult *res = PQexec(conn, "SELECT " USER_COLUMNS " FROM users ORDER BY id");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        PQclear(res);
        return NULL;
    }
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        sf_user u;
        user_from_row(res, i, &u);
        json_array_append_new(list, sf_user_json(&u));
    }
    PQclear(res);
    return list;
}

int sf_email_normalise(const char *email, char out[SF_EMAIL_MAX + 1])
{
    size_t n = strlen(email);
    const char *at = strchr(email, '@');
    if (n > SF_EMAIL_MAX || !at || strchr(at + 1, '@'))
        return -1;
    size_t local = (size_t)(at - email);
    if (local < 1 || local > 64 || email[0] == '.' || email[local - 1] == '.' || strstr(email, ".."))
        return -1;
    for (size_t i = 0; i < local; i++)
        if (!isgraph((unsigned char)email[i]) || strchr("()<>[]:;,\\\"", email[i]))
            return -1;
    const char *domain = at + 1;
    size_t dn = strlen(domain), labels = 0, label_len = 0;
    if (dn < 3 || dn > 253)
        return -1;
    for (size_t i = 0; i <= dn; i++) {
        char c = domain[i];
        if (c == '.' || c == '\0') {
            if (label_len == 0 || label_len > 63 || domain[i - 1] == '-')
                return -1;
            labels++;
            label_len = 0;
        } else if (isalnum((unsigned char)c) || (c == '-' && label_len > 0)) {
            label_len++;
        } else {
            return -1;
        }
    }
    if (labels < 2)
        return -1;
    memcpy(out, email, local + 1);
    for (size_t i = 0; i <= dn; i++)
        out[local + 1 + i] = (char)tolower((unsigned char)domain[i]);
    return 0;
}
