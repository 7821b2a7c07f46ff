/* Recognising HTTP by content: does a byte stream start with a request line or a
 * status line, and where does the next one start (to resynchronise after a gap). */
#ifndef SF_HTTP_DETECT_H
#define SF_HTTP_DETECT_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SF_HTTP_NOT = 0,
    SF_HTTP_REQUEST = 1,
    SF_HTTP_RESPONSE = 2,
    SF_HTTP_EITHER = 3,     /* as a search kind: accept both */
} sf_http_kind;

/* Protocols that look like HTTP/1 and are not: recognised, left alone, counted. */
typedef enum {
    SF_OTHER_NONE = 0,
    SF_OTHER_HTTP2,         /* the HTTP/2 connection preface "PRI * HTTP/2.0" */
    SF_OTHER_SIP,           /* a SIP request line (... SIP/2.0) or status line (SIP/2.0 ...) */
} sf_http_other;

/* Is the stream starting at p one of those? (Needs the first line for SIP requests.) */
sf_http_other sf_http_other_protocol(const uint8_t *p, size_t len);

/* Classifies the first bytes of a stream. A short prefix of a valid start counts; a
 * method we do not know counts when the whole request line is there with HTTP/1.x
 * (Outlook Anywhere's RPC_IN_DATA, WebDAV extensions...). */
sf_http_kind sf_http_detect(const uint8_t *p, size_t len);

/* Offset of the first message start of the wanted kind at a line start in p, or len
 * if none; *found gets the kind found. Starts after offset 0 must be a full line with
 * an HTTP version, so body text does not look like a message. */
size_t sf_http_find_start(const uint8_t *p, size_t len, sf_http_kind want, sf_http_kind *found);

#endif
