/* Administration commands (see cli_accounts.h). */
#include "collector/cli_accounts.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "collector/auth_password.h"
#include "collector/auth_users.h"
#include "collector/ingest_tokens.h"

#define USAGE "usage: securaflow-collector [options] user add NAME --role admin|analyst " \
    "[--email EMAIL] [--password-file FILE] | user passwd NAME [--password-file FILE] | " \
    "user disable NAME | user enable NAME | user list | token create NAME | token list | " \
    "token revoke NAME\n"

/* The --password-file, opened by sf_cli_accounts_open_inputs while the caller still has
 * its own rights: run as root, the collector then becomes the data directory's owner,
 * which may not be allowed to read a root-only password file. */
static FILE *password_file;

static const char *option(int argc, char **argv, const char *name);

int sf_cli_accounts_open_inputs(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "user") != 0)
        return 0;
    const char *path = option(argc, argv, "--password-file");
    if (!path)
        return 0;
    password_file = fopen(path, "r");
    if (!password_file) {
        fprintf(stderr, "securaflow-collector: cannot read %s\n", path);
        return -1;
    }
    return 0;
}

/* Reads one line (the password) from the password file if one was given, else from
 * standard input. */
static int read_password(const char *path, char *out, size_t cap, size_t *len)
{
    FILE *f = path ? password_file : stdin;
    if (!f) {
        fprintf(stderr, "securaflow-collector: cannot read %s\n", path);
        return -1;
    }
    struct termios old, quiet;
    int tty = !path && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "Password: ");
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    int ok = fgets(out, (int)cap, f) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fprintf(stderr, "\n");
    }
    if (path) {
        fclose(f);
        password_file = NULL;
    }
    *len = ok ? strcspn(out, "\r\n") : 0;
    out[*len] = '\0';
    if (!ok || *len == 0) {
        fprintf(stderr, "securaflow-collector: no password given (standard input or --password-file)\n");
        return -1;
    }
    return 0;
}

/* The password, checked against the policy and hashed. */
static int password_hash_from(const char *path, char hash[SF_PASSWORD_HASH_MAX])
{
    char pw[SF_PASSWORD_MAX_BYTES + 2];
    size_t len;
    int rc = read_password(path, pw, sizeof pw, &len);
    const char *why = rc == 0 ? sf_password_policy(pw, len) : NULL;
    if (why) {
        fprintf(stderr, "securaflow-collector: %s\n", why);
        rc = -1;
    }
    if (rc == 0 && sf_password_hash(pw, len, hash) != 0) {
        fprintf(stderr, "securaflow-collector: password hashing failed\n");
        rc = -1;
    }
    sodium_memzero(pw, sizeof pw);
    return rc;
}

static const char *option(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int report(sf_user_result rc, const char *name, const char *err)
{
    switch (rc) {
    case SF_USER_OK: return 0;
    case SF_USER_NOT_FOUND: fprintf(stderr, "securaflow-collector: no user '%s'\n", name); return 1;
    case SF_USER_EMAIL_TAKEN: fprintf(stderr, "securaflow-collector: email already registered\n"); return 1;
    case SF_USER_NAME_TAKEN: fprintf(stderr, "securaflow-collector: username '%s' already taken\n", name); return 1;
    default: fprintf(stderr, "securaflow-collector: database: %s\n", err); return 1;
    }
}

static int user_add(PGconn *conn, int argc, char **argv)
{
    const char *name = argv[2], *role_text = option(argc, argv, "--role");
    sf_role role = sf_role_parse(role_text);
    if (!role_text || (role != SF_ROLE_ADMIN && role != SF_ROLE_ANALYST)) {
        fprintf(stderr, "securaflow-collector: user add needs --role admin or --role analyst\n");
        return 2;
    }
    size_t chars = 0;
    for (const char *p = name; *p; p++)
        chars += ((unsigned char)*p & 0xc0) != 0x80;
    if (chars < 3 || chars > SF_USERNAME_CHARS || strlen(name) > SF_USERNAME_MAX) {
        fprintf(stderr, "securaflow-collector: a username has 3 to 100 characters\n");
        return 2;
    }
    char email[SF_EMAIL_MAX + 1], fallback[SF_EMAIL_MAX + 1];
    const char *given = option(argc, argv, "--email");
    if (!given) /* an address that can never receive mail (RFC 2606) */
        snprintf(fallback, sizeof fallback, "%s@users.invalid", name);
    if (sf_email_normalise(given ? given : fallback, email) != 0) {
        fprintf(stderr, "securaflow-collector: not a valid email address (use --email)\n");
        return 2;
    }
    char hash[SF_PASSWORD_HASH_MAX], err[512] = "";
    if (password_hash_from(option(argc, argv, "--password-file"), hash))
        return 1;
    sf_user user;
    int rc = report(sf_user_create(conn, email, name, hash, role, &user, err, sizeof err), name, err);
    if (rc == 0)
        printf("user %s (id %lld, %s) created\n", user.username, (long long)user.id,
               sf_role_name(user.role));
    return rc;
}

static int user_command(PGconn *conn, int argc, char **argv)
{
    char err[512] = "", hash[SF_PASSWORD_HASH_MAX];
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "list") == 0 && argc == 2) {
        json_t *list = sf_user_list(conn, err, sizeof err);
        if (!list)
            return report(SF_USER_DB_ERROR, "", err);
        size_t i;
        json_t *u;
        printf("%-6s %-24s %-32s %-8s %s\n", "ID", "USERNAME", "EMAIL", "ROLE", "ACTIVE");
        json_array_foreach(list, i, u)
            printf("%-6lld %-24s %-32s %-8s %s\n",
                   (long long)json_integer_value(json_object_get(u, "id")),
                   json_string_value(json_object_get(u, "username")),
                   json_string_value(json_object_get(u, "email")),
                   json_string_value(json_object_get(u, "role")),
                   json_is_true(json_object_get(u, "is_active")) ? "yes" : "no");
        json_decref(list);
        return 0;
    }
    if (argc < 3) {
        fputs(USAGE, stderr);
        return 2;
    }
    const char *name = argv[2];
    if (strcmp(sub, "add") == 0)
        return user_add(conn, argc, argv);
    if (strcmp(sub, "passwd") == 0) {
        if (password_hash_from(option(argc, argv, "--password-file"), hash))
            return 1;
        int rc = report(sf_user_set_password(conn, name, hash, err, sizeof err), name, err);
        if (rc == 0)
            printf("password of %s changed; its existing tokens no longer work\n", name);
        return rc;
    }
    if ((strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) && argc == 3) {
        bool enable = sub[0] == 'e';
        int rc = report(sf_user_set_active(conn, name, enable, err, sizeof err), name, err);
        if (rc == 0)
            printf("%s %s\n", name, enable ? "enabled" : "disabled; its tokens no longer work");
        return rc;
    }
    fputs(USAGE, stderr);
    return 2;
}

static int token_command(PGconn *conn, int argc, char **argv)
{
    char err[512] = "";
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "create") == 0 && argc == 3) {
        char token[SF_TOKEN_TEXT_MAX];
        if (sf_ingest_token_create(conn, argv[2], token, err, sizeof err) != 0) {
            fprintf(stderr, "securaflow-collector: token create: %s\n", err);
            return 1;
        }
        printf("%s\n", token);
        sodium_memzero(token, sizeof token);
        return 0;
    }
    if (strcmp(sub, "revoke") == 0 && argc == 3) {
        if (sf_ingest_token_revoke(conn, argv[2], err, sizeof err) != 0) {
            fprintf(stderr, "securaflow-collector: token revoke: %s\n", err);
            return 1;
        }
        printf("token %s revoked\n", argv[2]);
        return 0;
    }
    if (strcmp(sub, "list") == 0 && argc == 2) {
        json_t *list = sf_ingest_token_list(conn, err, sizeof err);
        if (!list) {
            fprintf(stderr, "securaflow-collector: token list: %s\n", err);
            return 1;
        }
        size_t i;
        json_t *t;
        printf("%-32s %-22s %s\n", "NAME", "CREATED", "REVOKED");
        json_array_foreach(list, i, t) {
            json_t *rev = json_object_get(t, "revoked_at");
            printf("%-32s %-22s %s\n", json_string_value(json_object_get(t, "name")),
                   json_string_value(json_object_get(t, "created_at")),
                   json_is_string(rev) ? json_string_value(rev) : "-");
        }
        json_decref(list);
        return 0;
    }
    fputs(USAGE, stderr);
    return 2;
}

int sf_cli_accounts(PGconn *conn, int argc, char **argv)
{
    if (strcmp(argv[0], "user") == 0)
        return user_command(conn, argc, argv);
    if (strcmp(argv[0], "token") == 0)
        return token_command(conn, argc, argv);
    fputs(USAGE, stderr);
    return 2;
}
