/* Access-log line parser (see access_log.h). */
#include "access_log.h"

#include "common/time_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t es, const char *why)
{
    snprintf(err, es, "%s", why);
    return -1;
}

/* Copies the next space-delimited token into out; returns the position after it. */
static const char *token(const char *p, char *out, size_t size)
{
    size_t n = 0;
    while (*p == ' ')
        p++;
    while (*p && *p != ' ') {
        if (n + 1 < size)
            out[n++] = *p;
        p++;
    }
    out[n] = '\0';
    return p;
}

/* Reads a "quoted" field with backslash escapes; NULL when the field is not quoted or not
 * closed. Text longer than size is cut. */
static const char *quoted(const char *p, char *out, size_t size)
{
    size_t n = 0;
    while (*p == ' ')
        p++;
    if (*p++ != '"')
        return NULL;
    for (; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\' && (p[1] == '"' || p[1] == '\\'))
            c = *++p;
        if (n + 1 < size)
            out[n++] = c;
    }
    out[n] = '\0';
    return *p == '"' ? p + 1 : NULL;
}

static int month_index(const char *m)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12; i++)
        if (strncmp(m, names + 3 * i, 3) == 0)
            return i;
    return -1;
}

/* "10/Oct/2000:13:55:36 -0700" is rewritten as RFC 3339 for sf_time_parse. */
int tg_log_time(const char *t, int64_t *ts_us)
{
    int day, year, hh, mm, ss, zone, used = 0;
    char mon[4], sign;
    if (sscanf(t, "%2d/%3c/%4d:%2d:%2d:%2d %c%4d%n", &day, mon, &year, &hh, &mm, &ss, &sign,
               &zone, &used) != 8 || used == 0 || (sign != '+' && sign != '-'))
        return -1;
    mon[3] = '\0';
    int m = month_index(mon);
    if (m < 0)
        return -1;
    char rfc[48];
    snprintf(rfc, sizeof rfc, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, m + 1, day, hh, mm,
             ss, sign, zone / 100, zone % 100);
    return sf_time_parse(rfc, ts_us);
}

/* "GET /path?q HTTP/1.1" into method, target and protocol. */
static int request_line(const char *r, tg_log_entry *e)
{
    const char *p = token(r, e->method, sizeof e->method);
    if (!e->method[0])
        return -1;
    for (const char *m = e->method; *m; m++)
        if (!isupper((unsigned char)*m) && *m != '-' && *m != '_')
            return -1;
    while (*p == ' ')
        p++;
    const char *end = strrchr(p, ' ');
    if (end && strncmp(end + 1, "HTTP/", 5) == 0) {
        snprintf(e->protocol, sizeof e->protocol, "%s", end + 1);
    } else {
        e->protocol[0] = '\0';
        end = p + strlen(p);
    }
    size_t n = (size_t)(end - p);
    if (n == 0 || n >= sizeof e->target)
        return -1;
    memcpy(e->target, p, n);
    e->target[n] = '\0';
    return 0;
}

int tg_log_parse(const char *line, tg_log_entry *e, char *err, size_t es)
{
    char ident[64], user[256], req[4096], status[8], bytes[32];
    memset(e, 0, sizeof *e);
    const char *p = token(line, e->client, sizeof e->client);
    p = token(p, ident, sizeof ident);
    p = token(p, user, sizeof user);
    if (!e->client[0] || !user[0])
        return fail(err, es, "too few fields");
    while (*p == ' ')
        p++;
    const char *close = *p == '[' ? strchr(p, ']') : NULL;
    if (!close || close - p > 40)
        return fail(err, es, "no [time] field");
    char when[48];
    memcpy(when, p + 1, (size_t)(close - p - 1));
    when[close - p - 1] = '\0';
    if (tg_log_time(when, &e->ts_us) != 0)
        return fail(err, es, "bad time");
    if (!(p = quoted(close + 1, req, sizeof req)))
        return fail(err, es, "no quoted request line");
    if (request_line(req, e) != 0)
        return fail(err, es, "bad request line");
    p = token(p, status, sizeof status);
    p = token(p, bytes, sizeof bytes);
    char *end;
    e->status = (int)strtol(status, &end, 10);
    if (*end || e->status < 100 || e->status > 599)
        return fail(err, es, "bad status");
    e->bytes = strcmp(bytes, "-") == 0 ? 0 : strtoll(bytes, &end, 10);
    if ((strcmp(bytes, "-") != 0 && *end) || e->bytes < 0)
        return fail(err, es, "bad byte count");
    while (*p == ' ')
        p++;
    if (!*p)
        return 0; /* common format */
    if (!(p = quoted(p, e->referer, sizeof e->referer)) ||
        !(p = quoted(p, e->user_agent, sizeof e->user_agent)))
        return fail(err, es, "bad referer or user agent");
    if (strcmp(e->referer, "-") == 0)
        e->referer[0] = '\0';
    if (strcmp(e->user_agent, "-") == 0)
        e->user_agent[0] = '\0';
    return 0;
}
