/* Request lines llhttp rejects (see http_request_line.h). Runs only after llhttp
 * failed on a request line, never on the hot path. */
#include "sensor/http_request_line.h"

#include <llhttp.h>
#include <stdio.h>
#include <string.h>

#include "common/record.h"   /* SF_METHOD_MAX */

/* RFC 9110 tchar */
static int is_tchar(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* llhttp's code for the HTTP methods it parses (DELETE = 0 .. SOURCE = 33), or -1. */
static int llhttp_code(const uint8_t *m, size_t n)
{
    for (int i = 0; i <= HTTP_SOURCE; i++) {
        const char *name = llhttp_method_name((llhttp_method_t)i);
        if (strlen(name) == n && memcmp(name, m, n) == 0)
            return i;
    }
    return -1;
}

int sf_request_line_read(const uint8_t *p, size_t len, sf_request_line *rl)
{
    size_t i = 0;
    while (i < len && (p[i] == '\r' || p[i] == '\n'))
        i++;
    const uint8_t *eol = i < len ? memchr(p + i, '\n', len - i) : NULL;
    if (!eol)
        return 0;
    size_t end = (size_t)(eol - p);                /* the LF */
    size_t stop = end > i && p[end - 1] == '\r' ? end - 1 : end;
    /* method */
    size_t m = i;
    while (m < stop && is_tchar(p[m]))
        m++;
    if (m == i || m - i > SF_METHOD_MAX || m >= stop || p[m] != ' ')
        return 0;
    /* version: the line ends with " HTTP/d.d" */
    if (stop < m + 9)
        return 0;
    const uint8_t *v = p + stop - 8;
    if (memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' || v[6] != '.' || v[7] < '0' ||
        v[7] > '9' || v[-1] != ' ')
        return 0;
    /* target: what lies between (one space each side; may be empty) */
    size_t t0 = m + 1, t1 = stop - 9;
    if (t1 < t0)
        t1 = t0;
    for (size_t k = t0; k < t1; k++)
        if (p[k] == ' ' || p[k] < 0x20 || p[k] == 0x7f)
            return 0;
    rl->method = p + i;
    rl->method_len = m - i;
    rl->target = p + t0;
    rl->target_len = t1 - t0;
    rl->major = (uint8_t)(v[5] - '0');
    rl->minor = (uint8_t)(v[7] - '0');
    rl->llhttp_method = llhttp_code(rl->method, rl->method_len);
    rl->end = end + 1;
    return 1;
}

size_t sf_request_line_stand_in(const sf_request_line *rl, char *out, size_t size)
{
    const char *method = rl->llhttp_method >= 0 ? llhttp_method_name((llhttp_method_t)rl->llhttp_method)
                                                : "GET";
    const char *target = rl->llhttp_method == HTTP_CONNECT ? "stand-in:1" : "/";
    int n = snprintf(out, size, "%s %s HTTP/%u.%u\r\n", method, target, rl->major, rl->minor);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
