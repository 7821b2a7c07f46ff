/* The transaction record: one HTTP request/response pair as the collector stores it.
 * It holds every field of api.md's single-record (POST /api/traffic) and batch-record
 * (POST /api/traffic/batch) shapes. The sensor fills it from the wire; the collector
 * decodes it from JSON (record_json.c), validates it, and scores it.
 *
 * Strings are owned (malloc'd) and NULL when absent; integers that may be absent use
 * SF_ABSENT (-1). Limits below are the contract's and are enforced by validation. */
#ifndef SF_RECORD_H
#define SF_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SF_ABSENT (-1)

/* Field limits from api.md. */
#define SF_ENDPOINT_MAX 2048
#define SF_METHOD_MAX 16
#define SF_USER_AGENT_MAX 1024
#define SF_HOST_MAX 255
#define SF_QUERY_MAX 8192
#define SF_SHORT_TEXT_MAX 256      /* http_version, content_type, sensor/batch ids */
#define SF_XFF_MAX 1024
#define SF_STATUS_MIN 100
#define SF_STATUS_MAX 599

/* Flags a sensor attaches to a transaction (api.md batch record `flags`). */
enum sf_record_flag {
    SF_FLAG_GAP = 1u << 0,               /* bytes missing inside a body of known length */
    SF_FLAG_NO_RESPONSE = 1u << 1,       /* request never answered before the timeout */
    SF_FLAG_NO_REQUEST = 1u << 2,        /* response seen without its request */
    SF_FLAG_INTERRUPTED = 1u << 3,       /* message cut by an unrecoverable gap or close */
    SF_FLAG_TRUNCATED_HEADERS = 1u << 4, /* headers exceeded the cap */
    SF_FLAG_MIDSTREAM = 1u << 5,         /* connection picked up without its handshake */
    SF_FLAG_UPGRADED = 1u << 6,          /* 101 / CONNECT: HTTP parsing stopped after it */
    SF_FLAG_PARSE_ERROR = 1u << 7,       /* the parser rejected the message */
    SF_FLAG_URL_TRUNCATED = 1u << 8,     /* the URL was longer than the endpoint limit: cut */
};
#define SF_FLAG_COUNT 9

typedef struct sf_record {
    /* api.md single-record fields */
    char *endpoint;             /* path + query as requested; required */
    char method[SF_METHOD_MAX + 1];
    int status_code;            /* 100..599; 0 = none (only with no_response) */
    double response_time_ms;    /* >= 0 */
    int64_t request_size_bytes; /* SF_ABSENT when unknown */
    int64_t response_size_bytes;
    char *ip_address;           /* client address, canonical text, or NULL */
    char *user_agent;
    int64_t timestamp_us;       /* Unix µs UTC; SF_ABSENT = "now" at ingest */

    /* sensor fields (batch records) */
    char *client_ip;
    int client_port;            /* SF_ABSENT or 0..65535 */
    char *server_ip;
    int server_port;
    char *host;
    char *path;
    char *query;
    char *http_version;
    char *content_type;
    char *x_forwarded_for;
    int64_t ttfb_us;
    int64_t duration_us;
    int64_t req_body_bytes;
    int64_t resp_body_bytes;
    uint32_t flags;             /* enum sf_record_flag bits */
} sf_record;

/* Sets every field to "absent". */
void sf_record_init(sf_record *rec);
/* Frees owned strings and re-initialises. */
void sf_record_clear(sf_record *rec);
/* Deep copy; returns 0, or -1 on allocation failure (dst is then cleared). */
int sf_record_copy(sf_record *dst, const sf_record *src);

/* 1 when every field of a and b is the same (strings by content). */
int sf_record_equal(const sf_record *a, const sf_record *b);

/* Replaces *slot with a copy of the first len bytes of text (NUL-terminated). */
int sf_record_set_text(char **slot, const char *text, size_t len);

/* Flag names as they appear in JSON ("gap", "no_response", ...). */
const char *sf_record_flag_name(unsigned bit_index);
/* Returns the flag bit for name, or 0 if unknown. */
uint32_t sf_record_flag_from_name(const char *name);

#endif
