/* The engine end to end on synthetic packets: pairing, pipelining, HEAD, 1xx, gaps in
 * bodies, header cap, unanswered requests, privacy of the record. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/record.h"
#include "sensor/output_jsonl.h"
#include "sensor/sensor_engine.h"

#define MAX_RECS 16
static sf_record recs[MAX_RECS];
static sf_txn_times times[MAX_RECS];
static int nrecs;
static sf_engine eng;
static uint32_t seq[2];
static int64_t now;
static sf_record_options opt;

static void collect(void *ctx, const sf_record *rec, const sf_txn_times *t)
{
    (void)ctx;
    if (nrecs < MAX_RECS) {
        times[nrecs] = *t;
        sf_record_copy(&recs[nrecs++], rec);
    }
}

/* Raw IPv4 packet from side (0 = client 10.0.0.1:40000, 1 = server 10.0.0.2:80). */
static void send_pkt(int side, uint8_t flags, const char *payload, size_t n)
{
    uint8_t *p = calloc(1, 40 + n);
    p[0] = 0x45;
    p[2] = (uint8_t)((40 + n) >> 8);
    p[3] = (uint8_t)(40 + n);
    p[9] = 6;
    memcpy(p + 12, side ? "\x0a\x00\x00\x02\x0a\x00\x00\x01" : "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
    uint16_t sp = side ? 80 : 40000, dp = side ? 40000 : 80;
    p[20] = (uint8_t)(sp >> 8); p[21] = (uint8_t)sp; p[22] = (uint8_t)(dp >> 8); p[23] = (uint8_t)dp;
    uint32_t s = seq[side], a = seq[!side];
    for (int i = 0; i < 4; i++) {
        p[24 + i] = (uint8_t)(s >> (24 - 8 * i));
        p[28 + i] = (uint8_t)(a >> (24 - 8 * i));
    }
    p[32] = 0x50;
    p[33] = flags;
    memcpy(p + 40, payload, n);
    now += 1000;
    sf_engine_packet(&eng, SF_DLT_RAW, now, p, 40 + n, 40 + n);
    seq[side] += (uint32_t)n + ((flags & (SF_TCP_SYN | SF_TCP_FIN)) ? 1 : 0);
    free(p);
}

static void say(int side, const char *text) { send_pkt(side, SF_TCP_ACK | SF_TCP_PSH, text, strlen(text)); }

static void start(void)
{
    sf_engine_limits lim;
    sf_engine_limits_default(&lim);
    lim.header_max = 256;
    static char *secrets[] = {"token", NULL};
    opt.secret_keys = secrets;
    opt.n_secret_keys = 1;
    sf_engine_init(&eng, &lim, &opt, collect, NULL);
    nrecs = 0;
    seq[0] = 1000;
    seq[1] = 5000;
    now = 1700000000000000;
    send_pkt(0, SF_TCP_SYN, "", 0);
    send_pkt(1, SF_TCP_SYN | SF_TCP_ACK, "", 0);
    send_pkt(0, SF_TCP_ACK, "", 0);
}

static void finish(void)
{
    sf_engine_destroy(&eng);
    for (int i = 0; i < nrecs; i++)
        sf_record_clear(&recs[i]);
}

static void test_simple_pair_and_privacy(void)
{
    start();
    say(0, "GET /api/users?id=7&token=s3cret HTTP/1.1\r\nHost: shop\r\nUser-Agent: t/1\r\n"
           "Authorization: Bearer abc\r\nCookie: a=b\r\n\r\n");
    say(1, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    CU_ASSERT_EQUAL_FATAL(nrecs, 1);
    sf_record *r = &recs[0];
    CU_ASSERT_STRING_EQUAL(r->method, "GET");
    CU_ASSERT_EQUAL(r->status_code, 200);
    CU_ASSERT_STRING_EQUAL(r->path, "/api/users");
    CU_ASSERT_STRING_EQUAL(r->query, "id=7&token=REDACTED");
    CU_ASSERT_STRING_EQUAL(r->endpoint, "/api/users?id=7&token=REDACTED");
    CU_ASSERT_STRING_EQUAL(r->host, "shop");
    CU_ASSERT_STRING_EQUAL(r->client_ip, "10.0.0.1");
    CU_ASSERT_EQUAL(r->server_port, 80);
    CU_ASSERT_EQUAL(r->resp_body_bytes, 2);
    CU_ASSERT_EQUAL(r->ttfb_us, 1000);
    CU_ASSERT_EQUAL(r->duration_us, 1000);
    CU_ASSERT_EQUAL(r->flags, 0);
    finish();
}

static void test_pipelining_head_and_interim(void)
{
    start();
    say(0, "HEAD /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nxyzGET /c HTTP/1.1\r\n\r\n");
    say(1, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"      /* HEAD: no body */
           "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
           "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n");
    CU_ASSERT_EQUAL_FATAL(nrecs, 3);
    CU_ASSERT_STRING_EQUAL(recs[0].path, "/a");
    CU_ASSERT_EQUAL(recs[0].status_code, 200);
    CU_ASSERT_STRING_EQUAL(recs[1].path, "/b");
    CU_ASSERT_EQUAL(recs[1].status_code, 201);
    CU_ASSERT_EQUAL(recs[1].req_body_bytes, 3);
    CU_ASSERT_STRING_EQUAL(recs[2].path, "/c");
    CU_ASSERT_EQUAL(recs[2].status_code, 304);
    CU_ASSERT_EQUAL(eng.stats.http_interim_responses, 1);
    finish();
}

static void test_gap_in_body_keeps_transaction(void)
{
    start();
    say(0, "GET /big HTTP/1.1\r\n\r\n");
    say(1, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n01234");
    seq[1] += 10;                                  /* 10 body bytes never captured */
    say(1, "ABCDE");
    say(0, "GET /next HTTP/1.1\r\n\r\n");           /* its ACK covers the hole */
    say(1, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    CU_ASSERT_EQUAL_FATAL(nrecs, 2);
    CU_ASSERT_EQUAL(recs[0].status_code, 200);
    CU_ASSERT(recs[0].flags & SF_FLAG_GAP);
    CU_ASSERT_EQUAL(recs[1].status_code, 404);
    CU_ASSERT_STRING_EQUAL(recs[1].path, "/next");
    finish();
}

static void test_header_cap_and_unanswered(void)
{
    start();
    char big[600];
    memset(big, 'a', sizeof big);
    memcpy(big, "GET /h HTTP/1.1\r\nX-Long: ", 25);
    memcpy(big + sizeof big - 5, "\r\n\r\n", 4);
    big[sizeof big - 1] = 0;
    say(0, big);
    sf_engine_flush(&eng);
    CU_ASSERT_EQUAL_FATAL(nrecs, 1);
    CU_ASSERT(recs[0].flags & SF_FLAG_TRUNCATED_HEADERS);
    CU_ASSERT(recs[0].flags & SF_FLAG_NO_RESPONSE);
    CU_ASSERT_EQUAL(eng.stats.unmatched_requests, 1);
    CU_ASSERT_EQUAL(eng.memory, 0);
    finish();
}

static void test_request_timeout(void)
{
    start();
    say(0, "GET /slow HTTP/1.1\r\n\r\n");
    now += 61 * 1000000LL;                         /* a minute later, only ACKs */
    send_pkt(1, SF_TCP_ACK, "", 0);
    now += 2 * 1000000LL;
    send_pkt(1, SF_TCP_ACK, "", 0);
    CU_ASSERT_EQUAL_FATAL(nrecs, 1);               /* reported before the end of input */
    CU_ASSERT(recs[0].flags & SF_FLAG_NO_RESPONSE);
    CU_ASSERT_STRING_EQUAL(recs[0].path, "/slow");
    finish();
}

static void test_json_lines_escaping(void)
{
    start();
    say(0, "GET /a%20b?q=\"x\\y\" HTTP/1.1\r\nUser-Agent: bad\xff\x01\xc3\xa9\r\n\r\n");
    say(1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CU_ASSERT_EQUAL_FATAL(nrecs, 1);
    sf_txn_times t = {0};
    char line[4096];
    size_t n = sf_jsonl_format(&recs[0], &t, line, sizeof line);
    CU_ASSERT(n < sizeof line && line[n - 1] == '\n');
    json_error_t err;
    json_t *o = json_loadb(line, n, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "url.query")), "q=\"x\\y\"");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "user_agent.original")),
                           "bad\xef\xbf\xbd\x01\xc3\xa9");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(o, "http.response.status_code")), 200);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(o, "event.duration")), 1000000);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "@timestamp")), "2023-11-14T22:13:20.004000Z");
    json_decref(o);
    finish();
}

/* An interrupted response ends at its last byte seen, whoever closes the flow later:
 * the idle sweep, a reset from the client, or the end of input. */
static void test_interrupted_ends_at_last_byte(void)
{
    for (int how = 0; how < 3; how++) {
        start();
        say(0, "GET /cut HTTP/1.1\r\n\r\n");
        int64_t req_end = now;
        say(1, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
        int64_t last_byte = now;
        if (how == 0) {
            sf_engine_tick(&eng, now + 400 * 1000000LL);      /* idle sweep */
        } else if (how == 1) {
            now += 10 * 1000000LL;
            send_pkt(0, SF_TCP_RST | SF_TCP_ACK, "", 0);     /* the client gives up */
        } else {
            sf_engine_flush(&eng);                           /* end of input */
        }
        CU_ASSERT_EQUAL_FATAL(nrecs, 1);
        CU_ASSERT(recs[0].flags & SF_FLAG_INTERRUPTED);
        CU_ASSERT_EQUAL(recs[0].status_code, 200);
        CU_ASSERT_EQUAL(times[0].resp_last_us, last_byte);
        CU_ASSERT_EQUAL(recs[0].ttfb_us, last_byte - req_end);
        CU_ASSERT_EQUAL(recs[0].duration_us, last_byte - times[0].req_first_us);
        finish();
    }
}

/* The server answers before the request's last bytes were seen: no server time. */
static void test_ttfb_absent_without_request_end(void)
{
    start();
    say(0, "POST /upload HTTP/1.1\r\nContent-Length: 100\r\n\r\n12345");
    say(1, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n");
    CU_ASSERT_EQUAL_FATAL(nrecs, 1);
    CU_ASSERT_EQUAL(recs[0].status_code, 413);
    CU_ASSERT_EQUAL(recs[0].ttfb_us, SF_ABSENT);
    CU_ASSERT_EQUAL(recs[0].duration_us, 1000);
    finish();
}

/* A header that fails to parse after a valid status line keeps that status; two
 * spaces after the version still give the status. */
static void test_status_kept(void)
{
    start();
    say(0, "GET /a HTTP/1.1\r\n\r\n");
    say(1, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 12x\r\n\r\n");
    say(0, "GET /b HTTP/1.1\r\n\r\n");
    say(1, "HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nok");
    say(0, "GET /c HTTP/1.1\r\n\r\n");
    say(1, "HTTP/1.0  204 No Content\r\nContent-Length: 5\r\n\r\n");
    sf_engine_flush(&eng);
    CU_ASSERT_EQUAL_FATAL(nrecs, 3);
    CU_ASSERT_STRING_EQUAL(recs[0].path, "/a");
    CU_ASSERT_EQUAL(recs[0].status_code, 502);
    CU_ASSERT(recs[0].flags & SF_FLAG_PARSE_ERROR);
    CU_ASSERT_STRING_EQUAL(recs[1].path, "/b");
    CU_ASSERT_EQUAL(recs[1].status_code, 200);
    CU_ASSERT_EQUAL(recs[1].resp_body_bytes, 2);
    CU_ASSERT_EQUAL(recs[1].flags, 0);
    CU_ASSERT_EQUAL(recs[2].status_code, 204);     /* no body, whatever Content-Length says */
    CU_ASSERT_EQUAL(recs[2].flags, 0);
    finish();
}

/* After both FINs a retransmission is a late copy, not a new connection; a new SYN on
 * the same port pair is a new connection. */
static void test_time_wait(void)
{
    start();
    uint32_t req_seq = seq[0];
    say(0, "GET /once HTTP/1.1\r\n\r\n");
    say(1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    send_pkt(0, SF_TCP_FIN | SF_TCP_ACK, "", 0);
    send_pkt(1, SF_TCP_FIN | SF_TCP_ACK, "", 0);
    send_pkt(0, SF_TCP_ACK, "", 0);
    CU_ASSERT_EQUAL_FATAL(nrecs, 1);
    uint32_t end_seq = seq[0];
    seq[0] = req_seq;
    say(0, "GET /once HTTP/1.1\r\n\r\n");       /* retransmitted after the end */
    seq[0] = end_seq;
    CU_ASSERT_EQUAL(nrecs, 1);
    CU_ASSERT_EQUAL(eng.stats.flows, 1);
    CU_ASSERT_EQUAL(eng.stats.tcp_retransmissions, 1);
    seq[0] = 777000;                                /* the port pair reused */
    send_pkt(0, SF_TCP_SYN, "", 0);
    send_pkt(1, SF_TCP_SYN | SF_TCP_ACK, "", 0);
    say(0, "GET /again HTTP/1.1\r\n\r\n");
    say(1, "HTTP/1.1 204 No Content\r\n\r\n");
    CU_ASSERT_EQUAL_FATAL(nrecs, 2);
    CU_ASSERT_STRING_EQUAL(recs[1].path, "/again");
    CU_ASSERT_EQUAL(eng.stats.flows, 2);
    sf_engine_flush(&eng);
    CU_ASSERT_EQUAL(eng.memory, 0);                 /* ended connections are charged, and freed */
    finish();
}

void sf_test_register_sensor_http(void)
{
    CU_pSuite s = CU_add_suite("sensor_http", NULL, NULL);
    CU_add_test(s, "pair, fields, redaction, no credentials", test_simple_pair_and_privacy);
    CU_add_test(s, "pipelining with HEAD, 100-continue and 304", test_pipelining_head_and_interim);
    CU_add_test(s, "gap inside a known-length body", test_gap_in_body_keeps_transaction);
    CU_add_test(s, "header cap and unanswered request", test_header_cap_and_unanswered);
    CU_add_test(s, "unanswered request timeout", test_request_timeout);
    CU_add_test(s, "JSON lines: escaping and invalid UTF-8", test_json_lines_escaping);
    CU_add_test(s, "interrupted response ends at its last byte", test_interrupted_ends_at_last_byte);
    CU_add_test(s, "no ttfb without the request's end", test_ttfb_absent_without_request_end);
    CU_add_test(s, "status kept: header error, two spaces", test_status_kept);
    CU_add_test(s, "time-wait: late copies, port reuse", test_time_wait);
}
