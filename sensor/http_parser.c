/* llhttp glue: one parser per direction, fed the reassembled stream. We only observe,
 * so the parser is lenient wherever servers and clients are, bodies are counted and
 * never kept, and the few header values we report are copied into a bounded buffer.
 *
 * Message ends are found by pausing in on_message_complete: llhttp then tells us the
 * exact end position, which gives message sizes, and the pairing work runs outside the
 * callback. Gaps inside a body of known length are replaced by zeros so the parser
 * stays in step; any other gap ends the message and we resynchronise on the next
 * request or status line. */
#include "sensor/http_conn.h"
#include "sensor/http_detect.h"
#include "sensor/http_request_line.h"
#include "sensor/flow_table.h"
#include "sensor/sensor_engine.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RESYNC_GIVE_UP_BYTES (256u * 1024u)   /* never found HTTP: stop looking */

static const uint32_t field_cap[SF_FIELD_COUNT] = {
    [SF_FIELD_URL] = SF_ENDPOINT_MAX + SF_QUERY_MAX, [SF_FIELD_HOST] = SF_HOST_MAX,
    [SF_FIELD_USER_AGENT] = SF_USER_AGENT_MAX, [SF_FIELD_CONTENT_TYPE] = SF_SHORT_TEXT_MAX,
    [SF_FIELD_XFF] = SF_XFF_MAX, [SF_FIELD_METHOD] = SF_METHOD_MAX,
};

static sf_http_side *side_of(llhttp_t *p) { return (sf_http_side *)p->data; }
static sf_engine *eng_of(sf_http_side *s) { return s->conn->eng; }

/* --- bounded capture of the header values we report --- */

static void fields_reset(sf_http_side *s)
{
    s->arena_len = 0;
    memset(s->field_off, 0, sizeof s->field_off);
    memset(s->field_len, 0, sizeof s->field_len);
    s->cur_field = -1;
    s->last_field = -1;
    s->name_len = 0;
    s->header_bytes = 0;
}

static void arena_release(sf_http_side *s)
{
    if (s->arena) {
        sf_engine_credit(eng_of(s), s->arena_cap);
        free(s->arena);
    }
    s->arena = NULL;
    s->arena_cap = 0;
    fields_reset(s);
}

/* Appends to a kept field. A field's bytes are contiguous because llhttp delivers one
 * field at a time; a repeated header keeps its first value. */
static void field_append(sf_http_side *s, int f, const char *at, size_t len)
{
    if (s->field_len[f] && s->last_field != f)
        return;
    if (len > field_cap[f] - s->field_len[f]) {
        len = field_cap[f] - s->field_len[f];
        if (f == SF_FIELD_URL)
            s->flags |= SF_FLAG_URL_TRUNCATED;
    }
    if (!len)
        return;
    if (s->arena_len + len > s->arena_cap) {
        uint32_t cap = s->arena_cap ? s->arena_cap : 256;
        while (cap < s->arena_len + len)
            cap *= 2;
        char *p = realloc(s->arena, cap);
        if (!p)
            return;
        sf_engine_charge(eng_of(s), cap - s->arena_cap);
        s->arena = p;
        s->arena_cap = cap;
    }
    if (s->last_field != f)
        s->field_off[f] = s->arena_len;
    memcpy(s->arena + s->arena_len, at, len);
    s->arena_len += (uint32_t)len;
    s->field_len[f] += (uint32_t)len;
    s->last_field = (int8_t)f;
}

/* Counts header bytes; past the cap nothing more is kept. */
static int header_budget(sf_http_side *s, size_t len)
{
    s->header_bytes += (uint32_t)len;
    if (s->header_bytes > eng_of(s)->lim.header_max) {
        if (!(s->flags & SF_FLAG_TRUNCATED_HEADERS)) {
            s->flags |= SF_FLAG_TRUNCATED_HEADERS;
            eng_of(s)->stats.headers_truncated++;
        }
        return 0;
    }
    return 1;
}

static int on_url(llhttp_t *p, const char *at, size_t len)
{
    sf_http_side *s = side_of(p);
    if (s->replay)
        return 0;                /* the stand-in's "/": the real target is kept instead */
    if (header_budget(s, len))
        field_append(s, SF_FIELD_URL, at, len);
    return 0;
}

static int on_header_field(llhttp_t *p, const char *at, size_t len)
{
    sf_http_side *s = side_of(p);
    header_budget(s, len);
    size_t room = sizeof s->name - s->name_len;
    size_t n = len < room ? len : room;
    memcpy(s->name + s->name_len, at, n);
    s->name_len += (uint8_t)n;
    return 0;
}

static int field_index(const sf_http_side *s)
{
    /* Lengths spelled out: this runs for every header of every message. */
    static const struct { const char *name; uint8_t len; int field; bool request_only; } kept[] = {
        {"host", 4, SF_FIELD_HOST, true}, {"user-agent", 10, SF_FIELD_USER_AGENT, true},
        {"content-type", 12, SF_FIELD_CONTENT_TYPE, false}, {"x-forwarded-for", 15, SF_FIELD_XFF, true},
    };
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        if (s->name_len == kept[i].len && strncasecmp(s->name, kept[i].name, s->name_len) == 0)
            return (kept[i].request_only && !s->is_request) ? -1 : kept[i].field;
    return -1;   /* including Authorization and cookies: never kept */
}

static int on_header_field_complete(llhttp_t *p)
{
    sf_http_side *s = side_of(p);
    s->cur_field = (int8_t)(s->name_len < sizeof s->name ? field_index(s) : -1);
    s->name_len = 0;
    return 0;
}

static int on_header_value(llhttp_t *p, const char *at, size_t len)
{
    sf_http_side *s = side_of(p);
    if (header_budget(s, len) && s->cur_field >= 0)
        field_append(s, s->cur_field, at, len);
    return 0;
}

static int on_header_value_complete(llhttp_t *p)
{
    side_of(p)->cur_field = -1;
    return 0;
}

/* --- message boundaries --- */

static int on_message_begin(llhttp_t *p)
{
    sf_http_side *s = side_of(p);
    sf_http_conn *c = s->conn;
    s->in_message = true;
    s->completed = s->interim = s->known_body = s->method_known = false;
    s->status = 0;
    s->body_bytes = 0;
    s->flags = 0;
    fields_reset(s);
    if (s->replay)
        return 0;                /* the same request, read again: same transaction */
    s->msg_first_us = s->ts_us;
    c->seen_http = true;
    if (s->is_request) {
        eng_of(s)->stats.http_requests++;
        s->txn = sf_txn_new(c, s->ts_us);
    } else {
        s->txn = sf_txn_for_response(c, s->ts_us, s->after_gap);
        s->after_gap = false;
    }
    return 0;
}

/* Copies the kept values of a request into its transaction. */
static void keep_request_fields(sf_http_side *s, sf_txn *t)
{
    for (int f = 0; f < SF_FIELD_COUNT; f++)
        if (s->field_len[f])
            sf_txn_set_field(eng_of(s), t, &t->field[f], s->arena + s->field_off[f], s->field_len[f]);
    t->method = s->parser.method;   /* the stand-in's for a method llhttp does not know */
    t->http_major = s->parser.http_major;
    t->http_minor = s->parser.http_minor;
    t->have_request = true;
}

static void parser_reset(sf_http_side *s);
static void enter_resync(sf_http_side *s);
static void start_parsing(sf_http_side *s);

/* The answer to a CONNECT refused the tunnel: the client side parses again (from the
 * next request line found if bytes went by unparsed meanwhile). */
static void end_connect_wait(sf_http_conn *c)
{
    for (int i = 0; i < 2; i++) {
        sf_http_side *s = &c->side[i];
        if (s->mode != SF_HTTP_MODE_CONNECT_WAIT)
            continue;
        parser_reset(s);
        if (s->skipped_in_wait)
            enter_resync(s);
        else
            start_parsing(s);
        s->skipped_in_wait = false;
    }
}

/* Returns llhttp's "skip body" codes: 1 = no body (HEAD), 2 = no body and the
 * connection changes protocol (101, or 2xx to CONNECT). */
static int response_headers(sf_http_side *s)
{
    sf_txn *t = s->txn;
    int status = s->parser.status_code;
    if (status >= 100 && status < 200 && status != 101) {
        s->interim = true;
        eng_of(s)->stats.http_interim_responses++;
        return 0;
    }
    if (t) {
        t->status = (uint16_t)status;
        if (s->field_len[SF_FIELD_CONTENT_TYPE])
            sf_txn_set_field(eng_of(s), t, &t->resp_content_type,
                             s->arena + s->field_off[SF_FIELD_CONTENT_TYPE],
                             s->field_len[SF_FIELD_CONTENT_TYPE]);
        if (!t->http_major) {
            t->http_major = s->parser.http_major;
            t->http_minor = s->parser.http_minor;
        }
    }
    if (t && t->method == HTTP_CONNECT && !(status >= 200 && status < 300))
        end_connect_wait(s->conn);   /* refused: the client goes on speaking HTTP */
    if (status == 101 || (t && t->method == HTTP_CONNECT && status >= 200 && status < 300)) {
        s->upgrade = true;
        if (t)
            t->flags |= SF_FLAG_UPGRADED;
        return 2;
    }
    /* These responses never have a body, whatever Content-Length says. */
    if ((t && t->method == HTTP_HEAD) || status == 204 || status == 304)
        return 1;
    return 0;
}

static int on_headers_complete(llhttp_t *p)
{
    sf_http_side *s = side_of(p);
    int ret = 0;
    if (s->is_request) {
        if (s->txn)
            keep_request_fields(s, s->txn);
    } else {
        ret = response_headers(s);
    }
    s->known_body = ret == 0 && (p->flags & F_CONTENT_LENGTH) && !(p->flags & F_CHUNKED) &&
                    p->content_length > 0;
    arena_release(s);            /* idle connections and long bodies keep no header buffer */
    return ret;
}

static int on_body(llhttp_t *p, const char *at, size_t len)
{
    (void)at;
    side_of(p)->body_bytes += len;
    return 0;
}

static int on_chunk_header(llhttp_t *p)
{
    side_of(p)->known_body = p->content_length > 0;
    return 0;
}

static int on_chunk_complete(llhttp_t *p)
{
    side_of(p)->known_body = false;
    return 0;
}

/* The status code belongs to the status line, whatever happens to the headers after
 * it. llhttp 8 reads "HTTP/1.1  200 OK" (two spaces) as status 0 with the text "200 OK":
 * the code is then taken from the text, and llhttp is told it (it decides the body by it). */
static int on_status(llhttp_t *p, const char *at, size_t len)
{
    if (p->status_code == 0 && len >= 3 && at[0] >= '1' && at[0] <= '9' && at[1] >= '0' &&
        at[1] <= '9' && at[2] >= '0' && at[2] <= '9' && (len == 3 || at[3] == ' '))
        p->status_code = (uint16_t)((at[0] - '0') * 100 + (at[1] - '0') * 10 + (at[2] - '0'));
    return 0;
}

static int on_status_complete(llhttp_t *p)
{
    side_of(p)->status = p->status_code;
    return 0;
}

static int on_method_complete(llhttp_t *p)
{
    side_of(p)->method_known = true;
    return 0;
}

static int on_message_complete(llhttp_t *p)
{
    sf_http_side *s = side_of(p);
    s->completed = true;
    s->known_body = false;
    return HPE_PAUSED;           /* finish_message runs once llhttp says where we are */
}

static const llhttp_settings_t *settings(void)
{
    static llhttp_settings_t st;
    static int ready;
    if (!ready) {                /* idempotent: racing threads write the same values */
        llhttp_settings_t t;
        llhttp_settings_init(&t);
        t.on_message_begin = on_message_begin;
        t.on_url = on_url;
        t.on_header_field = on_header_field;
        t.on_header_field_complete = on_header_field_complete;
        t.on_header_value = on_header_value;
        t.on_header_value_complete = on_header_value_complete;
        t.on_headers_complete = on_headers_complete;
        t.on_body = on_body;
        t.on_chunk_header = on_chunk_header;
        t.on_chunk_complete = on_chunk_complete;
        t.on_message_complete = on_message_complete;
        t.on_method_complete = on_method_complete;
        t.on_status = on_status;
        t.on_status_complete = on_status_complete;
        st = t;
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    return &st;
}

static void parser_reset(sf_http_side *s)
{
    llhttp_init(&s->parser, s->is_request ? HTTP_REQUEST : HTTP_RESPONSE, settings());
    s->parser.data = s;
    /* An observer must accept what the endpoints accepted. */
    s->parser.lenient_flags = LENIENT_HEADERS | LENIENT_CHUNKED_LENGTH | LENIENT_KEEP_ALIVE |
                              LENIENT_TRANSFER_ENCODING | LENIENT_VERSION;
    s->in_message = s->completed = s->known_body = s->upgrade = false;
}

/* --- what happens when a message ends, well or badly --- */

static void finish_message(sf_http_side *s, uint64_t end_off)
{
    sf_http_conn *c = s->conn;
    sf_txn *t = s->txn;
    uint64_t bytes = end_off - s->msg_start_off;
    s->msg_start_off = end_off;
    s->in_message = s->completed = false;
    if (s->is_request) {
        if (t) {
            t->req_last_us = s->ts_us;
            t->req_bytes = bytes;
            t->req_body = s->body_bytes;
            t->req_done = true;
            t->flags |= s->flags;
        }
        s->txn = NULL;
        return;
    }
    if (s->interim)
        return;                  /* 1xx: the request still waits for its final answer */
    eng_of(s)->stats.http_responses++;
    sf_txn *r = t ? t : sf_txn_alloc(c->eng, s->msg_first_us);
    if (!r)
        return;
    r->resp_first_us = s->msg_first_us;
    r->resp_last_us = s->ts_us;
    r->resp_bytes = bytes;
    r->resp_body = s->body_bytes;
    r->flags |= s->flags;
    if (!t) {
        r->status = s->status ? s->status : (uint16_t)s->parser.status_code;
        r->http_major = s->parser.http_major;
        r->http_minor = s->parser.http_minor;
        sf_txn_emit_orphan(c, r);
    } else {
        sf_txn_finish(c, t);
    }
    s->txn = NULL;
}

static bool is_interim(unsigned status) { return status >= 100 && status < 200 && status != 101; }

/* A message cut short (gap, parse error, connection end). It ends at the last bytes
 * seen of it (s->ts_us); a response keeps the status its status line gave. */
static void abort_message(sf_http_side *s, uint32_t flag)
{
    if (!s->in_message)
        return;
    if (flag & SF_FLAG_PARSE_ERROR)
        eng_of(s)->stats.parse_errors++;
    else
        eng_of(s)->stats.interrupted++;
    sf_txn *t = s->txn;
    if (s->is_request) {
        if (t) {
            if (!t->have_request && s->method_known)
                keep_request_fields(s, t);   /* what we have of a request cut short */
            t->req_bytes = s->stream_off - s->msg_start_off;
            t->flags |= s->flags | flag;
            t->req_last_us = s->ts_us;
            t->req_body = s->body_bytes;
            t->req_done = true;
        }
    } else if (!s->interim && !is_interim(s->status)) {
        if (t && !t->status && s->status)
            t->status = s->status;
        s->flags |= flag;
        finish_message(s, s->stream_off);
    }
    s->in_message = false;
    s->txn = NULL;
}

static void enter_resync(sf_http_side *s)
{
    s->mode = SF_HTTP_MODE_RESYNC;
    fields_reset(s);
}

static void enter_tunnel(sf_http_conn *c)
{
    c->tunnel = true;
    eng_of(&c->side[0])->stats.upgrades++;
    for (int i = 0; i < 2; i++) {
        c->side[i].mode = SF_HTTP_MODE_TUNNEL;
        arena_release(&c->side[i]);
    }
}

/* llhttp rejected the request line of the message being read (unknown method, or a
 * target it does not take as a URL). If the whole line is in p (which starts at stream
 * offset base) and is a request line servers accept, llhttp reads a stand-in line with
 * the same method semantics, the real method and target are kept, and the bytes of p
 * used up to the line's end are returned; 0 otherwise. */
static size_t replay_request_line(sf_http_side *s, const uint8_t *p, size_t len, uint64_t base)
{
    if (s->msg_start_off < base || s->msg_start_off - base >= len)
        return 0;                /* the line began in earlier bytes, no longer here */
    size_t off = (size_t)(s->msg_start_off - base);
    sf_request_line rl;
    char line[64];
    size_t n;
    if (!sf_request_line_read(p + off, len - off, &rl) || !(n = sf_request_line_stand_in(&rl, line, sizeof line)))
        return 0;
    bool same_message = s->in_message && s->txn;
    parser_reset(s);
    s->replay = same_message;
    llhttp_errno_t e = llhttp_execute(&s->parser, line, n);
    s->replay = false;
    if (e != HPE_OK)
        return 0;
    if (header_budget(s, rl.target_len))
        field_append(s, SF_FIELD_URL, (const char *)rl.target, rl.target_len);
    if (rl.llhttp_method < 0)
        field_append(s, SF_FIELD_METHOD, (const char *)rl.method, rl.method_len);
    return off + rl.end;
}

/* The HTTP/2 preface on a connection we were reading as HTTP/1 (an h2c upgrade whose
 * 101 we did not see): it is not a request; the connection is left alone from here. */
static void http2_preface(sf_http_side *s)
{
    sf_http_conn *c = s->conn;
    if (s->txn) {
        sf_txn_discard(c, s->txn);
        eng_of(s)->stats.http_requests--;
    }
    s->txn = NULL;
    s->in_message = false;
    eng_of(s)->stats.flows_http2++;
    c->flow->ignored = true;
}

/* Feeds bytes to the parser, handling the pauses we asked for. Returns how many bytes
 * it used: all of them, or fewer after a parse error (the mode is then RESYNC and the
 * caller goes on from there: a loop, not recursion, whatever the input). */
static size_t parse(sf_http_side *s, const uint8_t *p, size_t len)
{
    size_t total = 0;
    const uint64_t base = s->stream_off;
    while (total < len && s->mode == SF_HTTP_MODE_PARSE) {
        const char *start = (const char *)p + total;
        size_t left = len - total;
        llhttp_errno_t e = llhttp_execute(&s->parser, start, left);
        if (e == HPE_OK) {
            s->stream_off += left;
            return len;
        }
        const char *pos = llhttp_get_error_pos(&s->parser);
        size_t used = pos && pos >= start && pos <= start + left ? (size_t)(pos - start) : left;
        s->stream_off += used;
        total += used;
        if (e == HPE_PAUSED || e == HPE_PAUSED_UPGRADE) {
            /* Decided as the message ends, not when the next bytes come: bytes sent
             * early into a tunnel must not be read as HTTP. */
            bool ended = s->completed || e == HPE_PAUSED_UPGRADE;
            bool tunnel = ended && !s->is_request && s->upgrade;
            bool connect = ended && s->is_request && s->parser.method == HTTP_CONNECT;
            if (s->completed)
                finish_message(s, s->stream_off);
            if (tunnel)
                enter_tunnel(s->conn);                       /* 101, or 2xx to CONNECT */
            else if (connect)
                s->mode = SF_HTTP_MODE_CONNECT_WAIT;         /* its answer decides */
            else if (e == HPE_PAUSED)
                llhttp_resume(&s->parser);
            else
                llhttp_resume_after_upgrade(&s->parser);    /* Upgrade asked: wait and see */
            continue;
        }
        if (e == HPE_PAUSED_H2_UPGRADE) {
            http2_preface(s);
            return len;
        }
        size_t line_end;
        if (s->is_request && (e == HPE_INVALID_METHOD || e == HPE_INVALID_URL) &&
            (line_end = replay_request_line(s, p, len, base)) > 0) {
            s->stream_off = base + line_end;
            total = line_end;
            continue;
        }
        abort_message(s, SF_FLAG_PARSE_ERROR);
        parser_reset(s);
        enter_resync(s);
        if (total < len && used == 0) {       /* skip the byte that failed */
            total++;
            s->stream_off++;
        }
    }
    if (s->mode == SF_HTTP_MODE_TUNNEL || s->mode == SF_HTTP_MODE_CONNECT_WAIT) {
        s->skipped_in_wait |= s->mode == SF_HTTP_MODE_CONNECT_WAIT && len > total;
        s->stream_off += len - total;         /* the rest is another protocol */
        return len;
    }
    return total;
}

/* --- entry points from TCP --- */

sf_http_conn *sf_http_conn_new(sf_engine *eng, sf_flow *flow)
{
    sf_http_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->eng = eng;
    c->flow = flow;
    for (int i = 0; i < 2; i++) {
        c->side[i].conn = c;
        c->side[i].index = (uint8_t)i;
        c->side[i].cur_field = c->side[i].last_field = -1;
    }
    sf_engine_charge(eng, sizeof *c);
    return c;
}

void sf_http_set_client(sf_http_conn *c, int client_side)
{
    c->flow->client = (uint8_t)client_side;
    for (int i = 0; i < 2; i++) {
        c->side[i].is_request = i == client_side;
        parser_reset(&c->side[i]);
    }
}

static void start_parsing(sf_http_side *s)
{
    s->mode = SF_HTTP_MODE_PARSE;
    s->msg_start_off = s->stream_off;
}

/* First bytes of a direction: is it HTTP, and which side is the client? Consumes
 * nothing; leaves the side parsing, resynchronising, or the flow ignored. */
static void detect(sf_http_conn *c, sf_http_side *s, const uint8_t *p, size_t len)
{
    sf_flow *f = c->flow;
    sf_http_other other = sf_http_other_protocol(p, len);
    if (other) {                 /* HTTP/2 with prior knowledge, SIP: not ours */
        if (other == SF_OTHER_HTTP2)
            c->eng->stats.flows_http2++;
        else
            c->eng->stats.flows_sip++;
        f->ignored = true;
        return;
    }
    sf_http_kind k = sf_http_detect(p, len);
    int other_parsing = c->side[!s->index].mode == SF_HTTP_MODE_PARSE;
    if (k && (f->client == SF_SIDE_UNKNOWN || !other_parsing)) {
        int client = k == SF_HTTP_REQUEST ? s->index : !s->index;
        if (f->client != client || !c->side[client].parser.settings)
            sf_http_set_client(c, client);
    }
    if (k && f->client != SF_SIDE_UNKNOWN && (k == SF_HTTP_REQUEST) == s->is_request) {
        start_parsing(s);
        return;
    }
    if (!f->midstream && !c->seen_http && f->client == SF_SIDE_UNKNOWN) {
        f->ignored = true;       /* a fresh connection that does not start as HTTP */
        return;
    }
    enter_resync(s);
}

/* Looks for the next message start; returns the bytes skipped before it. */
static size_t resync(sf_http_conn *c, sf_http_side *s, const uint8_t *p, size_t len)
{
    sf_flow *f = c->flow;
    sf_http_kind want = f->client == SF_SIDE_UNKNOWN ? SF_HTTP_EITHER
                        : s->is_request ? SF_HTTP_REQUEST : SF_HTTP_RESPONSE;
    sf_http_kind found;
    size_t off = sf_http_find_start(p, len, want, &found);
    s->stream_off += off;
    s->resync_scanned += off;
    if (found == SF_HTTP_NOT) {
        if (!c->seen_http && s->resync_scanned + c->side[!s->index].resync_scanned > RESYNC_GIVE_UP_BYTES)
            f->ignored = true;
        return len;
    }
    if (f->client == SF_SIDE_UNKNOWN)
        sf_http_set_client(c, found == SF_HTTP_REQUEST ? s->index : !s->index);
    else
        parser_reset(s);
    start_parsing(s);
    return off;
}

void sf_http_data(sf_http_conn *c, int side, const uint8_t *p, size_t len, int64_t ts_us)
{
    sf_http_side *s = &c->side[side];
    s->ts_us = ts_us;
    while (len > 0 && !c->flow->ignored) {
        size_t used;
        switch (s->mode) {
        case SF_HTTP_MODE_DETECT: detect(c, s, p, len); used = 0; break;
        case SF_HTTP_MODE_PARSE: used = parse(s, p, len); break;
        case SF_HTTP_MODE_RESYNC: used = resync(c, s, p, len); break;
        case SF_HTTP_MODE_CONNECT_WAIT: s->skipped_in_wait = true; /* fall through */
        default: s->stream_off += len; used = len; break;   /* tunnel: not HTTP any more */
        }
        p += used;
        len -= used;
    }
}

void sf_http_gap(sf_http_conn *c, int side, uint32_t len, int64_t ts_us)
{
    static const uint8_t zeros[16384];
    sf_http_side *s = &c->side[side];
    if (s->mode == SF_HTTP_MODE_TUNNEL || s->mode == SF_HTTP_MODE_CONNECT_WAIT) {
        s->skipped_in_wait |= s->mode == SF_HTTP_MODE_CONNECT_WAIT;
        s->stream_off += len;
        return;
    }
    if (s->mode == SF_HTTP_MODE_PARSE && s->in_message && s->known_body &&
        len <= s->parser.content_length) {
        /* Inside a body of known length: keep the parser in step with zeros. A message
         * that ends in the hole ends no later than the bytes after it (ts_us). */
        s->ts_us = ts_us;
        s->flags |= SF_FLAG_GAP;
        c->eng->stats.body_gaps++;
        while (len > 0 && s->mode == SF_HTTP_MODE_PARSE) {
            uint32_t n = len < sizeof zeros ? len : (uint32_t)sizeof zeros;
            parse(s, zeros, n);
            len -= n;
        }
        return;
    }
    if (s->mode == SF_HTTP_MODE_PARSE && s->in_message && !s->is_request &&
        llhttp_message_needs_eof(&s->parser) && s->parser.content_length == 0 &&
        !(s->parser.flags & F_CHUNKED) && s->body_bytes > 0) {
        s->flags |= SF_FLAG_GAP;             /* body runs to the close: length unknown anyway */
        c->eng->stats.body_gaps++;
        return;
    }
    if (s->mode == SF_HTTP_MODE_PARSE) {
        abort_message(s, SF_FLAG_INTERRUPTED | SF_FLAG_GAP);
        parser_reset(s);
    }
    s->after_gap = true;
    s->stream_off += len;
    if (s->is_request && c->flow->client != SF_SIDE_UNKNOWN)
        sf_txn_add_lost_marker(c);
    enter_resync(s);
}

void sf_http_fin(sf_http_conn *c, int side, int64_t ts_us)
{
    sf_http_side *s = &c->side[side];
    if (s->mode != SF_HTTP_MODE_PARSE || !s->in_message)
        return;
    /* A response without a length ends with the connection: at its FIN if one was
     * seen, else at its last bytes. */
    if (!s->is_request && llhttp_finish(&s->parser) == HPE_OK && s->completed) {
        if (ts_us > s->ts_us)
            s->ts_us = ts_us;
        finish_message(s, s->stream_off);
        return;
    }
    abort_message(s, SF_FLAG_INTERRUPTED);   /* at the last bytes seen, not the close */
    parser_reset(s);
}

void sf_http_conn_close(sf_http_conn *c)
{
    sf_http_side *srv = NULL;
    for (int i = 0; i < 2; i++)
        if (!c->side[i].is_request)
            srv = &c->side[i];
    /* The server side first, so a response ended by the close still finds its request. */
    if (srv)
        sf_http_fin(c, srv->index, -1);
    for (int i = 0; i < 2; i++)
        sf_http_fin(c, i, -1);
    sf_txn_expire(c, INT64_MAX);
    for (int i = 0; i < 2; i++)
        arena_release(&c->side[i]);
    sf_engine_credit(c->eng, sizeof *c);
    free(c);
}
