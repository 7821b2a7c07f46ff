/* HTTP recognition by the first bytes: a known method followed by a space, any other
 * method-like token in a whole "METHOD target HTTP/1.x" line, or "HTTP/" (status line).
 * Cheap enough to run on the first payload of every flow. */
#include "sensor/http_detect.h"

#include <string.h>

#include "common/record.h"   /* SF_METHOD_MAX */

static const char *const methods[] = {
    "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE",
    "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT",
    "MKACTIVITY", "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE",
    "PURGE", "LINK", "UNLINK", "SOURCE", "BIND", "REBIND", "UNBIND", "ACL", "MKCALENDAR", "QUERY",
};

/* 1 = method + space, 2 = could still become one (input too short), 0 = no. */
static int method_at(const uint8_t *p, size_t len)
{
    if (p[0] < 'A' || p[0] > 'Z')   /* resync scans every line of a body: leave early */
        return 0;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (methods[i][0] != p[0])
            continue;
        size_t m = strlen(methods[i]);
        size_t n = len < m ? len : m;
        if (memcmp(p, methods[i], n) != 0)
            continue;
        if (len <= m)
            return 2;
        if (p[m] == ' ')
            return 1;
    }
    return 0;
}

/* Length of a method-like token (A-Z first, then A-Z 0-9 _ -, up to SF_METHOD_MAX)
 * followed by a space, or 0. */
static size_t token_method_at(const uint8_t *p, size_t len)
{
    if (p[0] < 'A' || p[0] > 'Z')
        return 0;
    for (size_t i = 1; i < len && i <= SF_METHOD_MAX; i++) {
        uint8_t c = p[i];
        if (c == ' ')
            return i;
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 0;
}

/* The line starting at p, up to its end or len (without CR LF). */
static size_t line_len(const uint8_t *p, size_t len)
{
    const uint8_t *eol = memchr(p, '\n', len);
    size_t n = eol ? (size_t)(eol - p) : len;
    return n && p[n - 1] == '\r' ? n - 1 : n;
}

/* Does the line starting at p carry " HTTP/1." (an HTTP/1 request line)? */
static int line_has_http1(const uint8_t *p, size_t len)
{
    size_t n = line_len(p, len);
    return n >= 10 && memmem(p, n, " HTTP/1.", 8) != NULL;
}

static int unknown_method_request_at(const uint8_t *p, size_t len)
{
    return token_method_at(p, len) && line_has_http1(p, len);
}

sf_http_other sf_http_other_protocol(const uint8_t *p, size_t len)
{
    static const char preface[] = "PRI * HTTP/2.0\r\n";
    size_t n = len < sizeof preface - 1 ? len : sizeof preface - 1;
    if (n >= 4 && memcmp(p, preface, n) == 0)
        return SF_OTHER_HTTP2;
    if (len >= 8 && memcmp(p, "SIP/2.0 ", 8) == 0)
        return SF_OTHER_SIP;
    size_t line = line_len(p, len);
    if (token_method_at(p, len) && line >= 8 && memcmp(p + line - 8, " SIP/2.0", 8) == 0)
        return SF_OTHER_SIP;
    return SF_OTHER_NONE;
}

static int status_at(const uint8_t *p, size_t len)
{
    static const char v[] = "HTTP/";
    size_t n = len < 5 ? len : 5;
    if (memcmp(p, v, n) != 0)
        return 0;
    return len < 5 ? 2 : 1;
}

sf_http_kind sf_http_detect(const uint8_t *p, size_t len)
{
    if (len == 0)
        return SF_HTTP_NOT;
    if (method_at(p, len) || unknown_method_request_at(p, len))
        return SF_HTTP_REQUEST;
    if (status_at(p, len))
        return SF_HTTP_RESPONSE;
    return SF_HTTP_NOT;
}

/* Does the line starting at p carry an HTTP version (request line) before its end? */
static int line_has_version(const uint8_t *p, size_t len)
{
    const uint8_t *eol = memchr(p, '\n', len);
    size_t n = eol ? (size_t)(eol - p) : len;
    return n >= 8 && memmem(p, n, " HTTP/", 6) != NULL;
}

static inline sf_http_kind kind_at(const uint8_t *p, size_t len, sf_http_kind want, int strict)
{
    if (p[0] < 'A' || p[0] > 'Z')   /* every method and "HTTP/" start so: most body lines stop here */
        return SF_HTTP_NOT;
    if ((want & SF_HTTP_REQUEST) && method_at(p, len) == 1 && (!strict || line_has_version(p, len)))
        return SF_HTTP_REQUEST;
    if ((want & SF_HTTP_REQUEST) && unknown_method_request_at(p, len))
        return SF_HTTP_REQUEST;
    if ((want & SF_HTTP_RESPONSE) && status_at(p, len) == 1 &&
        (!strict || (len >= 9 && p[5] == '1' && p[6] == '.')))
        return SF_HTTP_RESPONSE;
    return SF_HTTP_NOT;
}

size_t sf_http_find_start(const uint8_t *p, size_t len, sf_http_kind want, sf_http_kind *found)
{
    *found = kind_at(p, len, want, 0);
    if (*found)
        return 0;
    for (const uint8_t *q = memchr(p, '\n', len); q; q = memchr(q, '\n', len - (size_t)(q - p))) {
        q++;
        size_t off = (size_t)(q - p);
        if (off >= len)
            break;
        *found = kind_at(q, len - off, want, 1);
        if (*found)
            return off;
    }
    *found = SF_HTTP_NOT;
    return len;
}
