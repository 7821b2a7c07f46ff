/* HTTP state of one TCP connection: an llhttp parser per direction, the fields kept
 * from the message being read (bounded), and the FIFO of requests awaiting their
 * responses. http_parser.c drives llhttp; http_pairing.c pairs and emits. */
#ifndef SF_HTTP_CONN_H
#define SF_HTTP_CONN_H

#include <llhttp.h>
#include <stdbool.h>
#include <stdint.h>

struct sf_engine;
struct sf_flow;

/* Header values kept (everything else is only counted), and the method's name when
 * llhttp does not know it (the request line was read by http_request_line.c). */
enum { SF_FIELD_URL, SF_FIELD_HOST, SF_FIELD_USER_AGENT, SF_FIELD_CONTENT_TYPE, SF_FIELD_XFF,
       SF_FIELD_METHOD, SF_FIELD_COUNT };

/* One request and, once seen, its response. */
typedef struct sf_txn {
    struct sf_txn *next;
    int64_t req_first_us, req_last_us, resp_first_us, resp_last_us;
    uint64_t req_bytes, req_body, resp_bytes, resp_body;
    uint32_t flags;              /* enum sf_record_flag */
    uint16_t status;
    uint8_t method;              /* enum llhttp_method */
    uint8_t http_major, http_minor;
    bool have_request;           /* request headers were parsed */
    bool req_done;
    bool lost;                   /* placeholder: requests may have been lost in a gap */
    char *field[SF_FIELD_COUNT]; /* request URL, Host, User-Agent, Content-Type, XFF */
    char *resp_content_type;
    uint32_t memory;             /* bytes charged to the engine budget */
} sf_txn;

/* CONNECT_WAIT: the client side after a CONNECT request, until its answer says whether
 * the connection became a tunnel (its bytes meanwhile are the tunnel's, not requests). */
typedef enum { SF_HTTP_MODE_DETECT, SF_HTTP_MODE_PARSE, SF_HTTP_MODE_RESYNC,
               SF_HTTP_MODE_TUNNEL, SF_HTTP_MODE_CONNECT_WAIT } sf_http_mode;

typedef struct sf_http_side {
    llhttp_t parser;
    struct sf_http_conn *conn;
    uint8_t index;               /* flow side */
    uint8_t mode;                /* sf_http_mode */
    bool is_request;             /* parser type, once the client is known */
    bool in_message, completed, interim, known_body, upgrade;
    bool after_gap;              /* a gap since the last message start: responses may be lost */
    bool replay;                 /* re-reading a request line llhttp rejected (same message) */
    bool skipped_in_wait;        /* CONNECT_WAIT: bytes went by unparsed */
    bool method_known;           /* llhttp finished reading the request method */
    uint16_t status;             /* status code of the status line read, 0 = none yet */
    int64_t ts_us;               /* time of the bytes being parsed (the last bytes seen) */
    int64_t msg_first_us;
    uint64_t stream_off;         /* bytes of this direction handed to the parser */
    uint64_t msg_start_off;
    uint64_t body_bytes;
    uint32_t header_bytes;
    uint32_t flags;              /* for the message being read */
    uint64_t resync_scanned;
    sf_txn *txn;                 /* request being read / request being answered */
    /* kept header values, packed in one bounded buffer */
    char *arena;
    uint32_t arena_len, arena_cap;
    uint32_t field_off[SF_FIELD_COUNT], field_len[SF_FIELD_COUNT];
    int8_t cur_field;            /* field receiving the current value, -1 = none */
    int8_t last_field;           /* field that owns the arena tail */
    uint8_t name_len;
    char name[20];
} sf_http_side;

typedef struct sf_http_conn {
    sf_http_side side[2];
    sf_txn *head, *tail;         /* requests waiting for a response, oldest first */
    uint32_t pending;
    bool seen_http;
    bool tunnel;                 /* 101 / CONNECT: no more HTTP on this connection */
    struct sf_engine *eng;
    struct sf_flow *flow;
} sf_http_conn;

/* http_parser.c */
sf_http_conn *sf_http_conn_new(struct sf_engine *eng, struct sf_flow *flow);
/* Ends every message in progress (each at the time of its last bytes), reports every
 * pending request, frees. */
void sf_http_conn_close(sf_http_conn *c);
void sf_http_data(sf_http_conn *c, int side, const uint8_t *p, size_t len, int64_t ts_us);
void sf_http_gap(sf_http_conn *c, int side, uint32_t len, int64_t ts_us);
/* The direction ended: ts_us is its FIN's time, or -1 if none was seen (see tcp_stream.h). */
void sf_http_fin(sf_http_conn *c, int side, int64_t ts_us);
/* Sets which side is the client and prepares both parsers. */
void sf_http_set_client(sf_http_conn *c, int client_side);

/* http_pairing.c */
sf_txn *sf_txn_alloc(struct sf_engine *eng, int64_t req_first_us);  /* not queued */
sf_txn *sf_txn_new(sf_http_conn *c, int64_t ts_us);   /* appended to the FIFO */
void sf_txn_add_lost_marker(sf_http_conn *c);
/* The request a response starting now answers (skips lost markers as timing allows;
 * after a gap in the server's direction, also requests whose answer was lost in it). */
sf_txn *sf_txn_for_response(sf_http_conn *c, int64_t ts_us, bool after_gap);
/* Removes t from the FIFO and emits its record. */
void sf_txn_finish(sf_http_conn *c, sf_txn *t);
/* Emits a response that has no request. */
void sf_txn_emit_orphan(sf_http_conn *c, sf_txn *t);
/* Reports requests older than deadline as unanswered; returns how many. */
unsigned sf_txn_expire(sf_http_conn *c, int64_t deadline_us);
void sf_txn_free(struct sf_engine *eng, sf_txn *t);
/* Removes t from the FIFO without reporting it (it was not an HTTP/1 request). */
void sf_txn_discard(sf_http_conn *c, sf_txn *t);
int sf_txn_set_field(struct sf_engine *eng, sf_txn *t, char **slot, const char *text, size_t len);

#endif
