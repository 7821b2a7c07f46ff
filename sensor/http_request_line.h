/* Request lines llhttp rejects but servers accept: methods it does not know (Outlook
 * Anywhere's RPC_IN_DATA / RPC_OUT_DATA, WebDAV and other extensions; any RFC 9110
 * token) and targets it will not take as a URL ("GET . HTTP/1.0", an empty target).
 * http_parser.c reads such a line here, feeds llhttp a stand-in line with the same
 * method semantics, and keeps the real method and target. */
#ifndef SF_HTTP_REQUEST_LINE_H
#define SF_HTTP_REQUEST_LINE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sf_request_line {
    const uint8_t *method, *target;
    size_t method_len, target_len;
    uint8_t major, minor;        /* HTTP/major.minor */
    int llhttp_method;           /* llhttp's code for an HTTP method it knows, else -1 */
    size_t end;                  /* offset just after the line's LF */
} sf_request_line;

/* Reads "METHOD SP target SP HTTP/d.d CRLF" at p (CR LF before it skipped). Returns 1
 * when the whole line is there and well formed (method: 1 to SF_METHOD_MAX token
 * characters), else 0. */
int sf_request_line_read(const uint8_t *p, size_t len, sf_request_line *rl);

/* The line llhttp is given instead: the method if it knows it (so HEAD and CONNECT
 * keep their meaning), else GET; target "/"; the same version. Returns its length. */
size_t sf_request_line_stand_in(const sf_request_line *rl, char *out, size_t size);

#endif
