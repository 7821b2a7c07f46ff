/* Unit tests for the uploader's parts: batch encoding (JSON shape, gzip round trip,
 * batch ids), the backoff schedule, URL parsing, and the HTTP client's response parsing
 * against canned answers from a one-shot server thread (chunked, Content-Length,
 * read-to-close, interim 100, garbage, silence). */
#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/record.h"
#include "sensor/batch_encode.h"
#include "sensor/http_client.h"
#include "sensor/http_tls.h"
#include "sensor/upload_backoff.h"

static void make_record(sf_record *r, int i)
{
    char ep[64];
    sf_record_init(r);
    int n = snprintf(ep, sizeof ep, "/api/items/%d?x=1", i);
    sf_record_set_text(&r->endpoint, ep, (size_t)n);
    sf_record_set_text(&r->path, ep, (size_t)(strchr(ep, '?') - ep));
    strcpy(r->method, i % 2 ? "POST" : "GET");
    r->status_code = 200 + i;
    r->response_time_ms = 1.25;
    r->timestamp_us = 1795000000000000LL + i;
    r->client_port = 40000 + i;
    r->flags = i == 2 ? SF_FLAG_GAP : 0;
}

static void test_batch_encode(void)
{
    sf_record recs[3];
    for (int i = 0; i < 3; i++)
        make_record(&recs[i], i);
    char id[SF_BATCH_ID_MAX + 1];
    CU_ASSERT_EQUAL(sf_batch_id_format(id, sizeof id, "host-a", 1795000000123456LL, 42), 0);
    CU_ASSERT_STRING_EQUAL(id, "host-a-1795000000123456-42");
    unsigned char *gz = NULL, *plain = NULL;
    size_t gz_len = 0, plain_len = 0;
    CU_ASSERT_EQUAL_FATAL(sf_batch_encode("host-a", id, recs, 3, &gz, &gz_len), 0);
    CU_ASSERT(gz_len > 18 && gz[0] == 0x1f && gz[1] == 0x8b); /* gzip magic */
    CU_ASSERT_EQUAL_FATAL(sf_gunzip(gz, gz_len, 1 << 20, &plain, &plain_len), 0);
    json_t *j = json_loadb((const char *)plain, plain_len, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "sensor_id")), "host-a");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "batch_id")), id);
    json_t *arr = json_object_get(j, "records");
    CU_ASSERT_EQUAL_FATAL(json_array_size(arr), 3);
    json_t *r1 = json_array_get(arr, 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r1, "endpoint")), "/api/items/1?x=1");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r1, "method")), "POST");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(r1, "status_code")), 201);
    json_decref(j);
    /* A corrupt or truncated member, or one over the limit, is refused. */
    unsigned char *out = NULL;
    size_t out_len;
    CU_ASSERT_EQUAL(sf_gunzip(gz, gz_len / 2, 1 << 20, &out, &out_len), -1);
    CU_ASSERT_EQUAL(sf_gunzip(gz, gz_len, plain_len - 1, &out, &out_len), -1);
    gz[gz_len / 2] ^= 0x55;
    int rc = sf_gunzip(gz, gz_len, 1 << 20, &out, &out_len);
    CU_ASSERT_EQUAL(rc, -1);
    if (rc == 0)
        free(out);
    CU_ASSERT_PTR_NULL(sf_batch_json("s", "b", recs, 0, NULL));
    free(gz);
    free(plain);
    for (int i = 0; i < 3; i++)
        sf_record_clear(&recs[i]);
    char big[400];
    memset(big, 'h', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CU_ASSERT_EQUAL(sf_batch_id_format(id, sizeof id, big, 1, 1), -1);
}

/* Bytes from the wire that are not UTF-8 must not cost the record its endpoint. */
static void test_batch_non_utf8(void)
{
    sf_record r;
    make_record(&r, 1);
    sf_record_set_text(&r.endpoint, "/caf\xe9?q=\xff", 9);
    sf_record_set_text(&r.user_agent, "agent \xc3", 7);
    size_t len;
    char *text = sf_batch_json("s", "b", &r, 1, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    json_t *j = json_loads(text, 0, NULL);
    json_t *rec = json_array_get(json_object_get(j, "records"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rec, "endpoint")), "/caf??q=?");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rec, "user_agent")), "agent ?");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rec, "path")), "/api/items/1");
    json_decref(j);
    free(text);
    sf_record_clear(&r);
}

static void test_backoff(void)
{
    sf_backoff b;
    sf_backoff_init(&b, 500, 30000, 12345);
    int64_t ceiling = 500;
    for (int i = 0; i < 12; i++) {
        int64_t d = sf_backoff_next(&b, -1);
        CU_ASSERT(d >= ceiling / 2 && d <= ceiling);
        ceiling = ceiling * 2 > 30000 ? 30000 : ceiling * 2;
    }
    CU_ASSERT(sf_backoff_next(&b, -1) >= 15000); /* stays at the top */
    CU_ASSERT_EQUAL(sf_backoff_next(&b, 45000), 45000); /* Retry-After wins when longer */
    CU_ASSERT_EQUAL(sf_backoff_next(&b, 10000000), SF_RETRY_AFTER_MAX_MS);
    sf_backoff_reset(&b);
    int64_t d = sf_backoff_next(&b, -1);
    CU_ASSERT(d >= 250 && d <= 500);
    CU_ASSERT_EQUAL(sf_backoff_next(&b, 2000), 2000);
    /* Jitter: two sensors with different seeds do not retry in lockstep. */
    sf_backoff a, c;
    sf_backoff_init(&a, 500, 30000, 1);
    sf_backoff_init(&c, 500, 30000, 2);
    int same = 0;
    for (int i = 0; i < 8; i++)
        same += sf_backoff_next(&a, -1) == sf_backoff_next(&c, -1);
    CU_ASSERT(same < 8);
}

static void test_url_parse(void)
{
    sf_url u;
    char err[SF_HTTP_ERR_MAX];
    CU_ASSERT_EQUAL(sf_url_parse("http://127.0.0.1:8080", &u, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(u.host, "127.0.0.1");
    CU_ASSERT_EQUAL(u.port, 8080);
    CU_ASSERT_STRING_EQUAL(u.base_path, "");
    CU_ASSERT_EQUAL(sf_url_parse("http://[::1]:9000/prefix/", &u, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(u.host, "::1");
    CU_ASSERT_STRING_EQUAL(u.host_header, "[::1]:9000");
    CU_ASSERT_STRING_EQUAL(u.base_path, "/prefix");
    CU_ASSERT_EQUAL(sf_url_parse("http://collector.example", &u, err, sizeof err), 0);
    CU_ASSERT_EQUAL(u.port, 80);
    if (sf_tls_available()) {
        CU_ASSERT_EQUAL(sf_url_parse("https://c.example", &u, err, sizeof err), 0);
        CU_ASSERT(u.tls && u.port == 443);
    } else {
        CU_ASSERT_EQUAL(sf_url_parse("https://c.example", &u, err, sizeof err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "TLS-terminating proxy"));
    }
    CU_ASSERT_EQUAL(sf_url_parse("http://c.example", &u, err, sizeof err), 0);
    CU_ASSERT(!u.tls);
    CU_ASSERT_EQUAL(sf_url_parse("ftp://x", &u, err, sizeof err), -1);
    CU_ASSERT_EQUAL(sf_url_parse("http://:80", &u, err, sizeof err), -1);
    CU_ASSERT_EQUAL(sf_url_parse("http://h:99999", &u, err, sizeof err), -1);
    CU_ASSERT_EQUAL(sf_url_parse("http://[::1", &u, err, sizeof err), -1);
    CU_ASSERT_EQUAL(sf_url_parse(NULL, &u, err, sizeof err), -1);
}

/* A one-shot server: accepts one connection, reads the request head, writes answer
 * (unless NULL: then it stays silent until the client gives up), closes. */
typedef struct canned {
    int lfd;
    uint16_t port;
    const char *answer;
    pthread_t th;
} canned;

static void *canned_main(void *arg)
{
    canned *c = arg;
    int fd = accept(c->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    char buf[8192];
    size_t n = 0;
    while (n < sizeof buf - 1) {
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            break;
    }
    if (c->answer) {
        ssize_t w = write(fd, c->answer, strlen(c->answer));
        (void)w;
        /* End the answer with a FIN, then read what is left of the request: closing with
         * its body unread would send a reset, which can reach the client before it has read
         * a read-to-close answer to the end. */
        shutdown(fd, SHUT_WR);
    }
    struct timeval limit = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    char sink[64];
    while (read(fd, sink, sizeof sink) > 0) /* until the client closes */
        ;
    close(fd);
    return NULL;
}

static void canned_start(canned *c, const char *answer)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    c->answer = answer;
    c->lfd = socket(AF_INET, SOCK_STREAM, 0);
    CU_ASSERT_EQUAL_FATAL(bind(c->lfd, (struct sockaddr *)&a, sizeof a), 0);
    CU_ASSERT_EQUAL_FATAL(listen(c->lfd, 4), 0);
    getsockname(c->lfd, (struct sockaddr *)&a, &al);
    c->port = ntohs(a.sin_port);
    pthread_create(&c->th, NULL, canned_main, c);
}

/* Sends one request to a canned answer; returns sf_http_request's result. */
static int ask(const char *answer, int timeout_ms, sf_http_response *resp)
{
    canned c;
    canned_start(&c, answer);
    sf_url u;
    char url[64], err[SF_HTTP_ERR_MAX];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", c.port);
    sf_url_parse(url, &u, err, sizeof err);
    int rc = sf_http_request(&u, "POST", "/x", "X-Test: 1\r\n", "{}", 2, timeout_ms, 16,
                             resp, err, sizeof err);
    pthread_join(c.th, NULL);
    close(c.lfd);
    return rc;
}

static void test_http_responses(void)
{
    sf_http_response r;
    CU_ASSERT_EQUAL_FATAL(ask("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 2000, &r), 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.body, "hello");
    sf_http_response_free(&r);

    CU_ASSERT_EQUAL_FATAL(ask("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nRetry-After: 7"
                              "\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nbusy\r\n"
                              "14\r\n01234567890123456789\r\n0\r\nTrailer: t\r\n\r\n", 2000, &r), 0);
    CU_ASSERT_EQUAL(r.status, 503);
    CU_ASSERT_EQUAL(r.retry_after_ms, 7000);
    CU_ASSERT_EQUAL(r.body_total, 24);
    CU_ASSERT_EQUAL(r.body_len, 16); /* kept only up to the cap */
    CU_ASSERT_STRING_EQUAL(r.body, "busy012345678901");
    sf_http_response_free(&r);

    CU_ASSERT_EQUAL_FATAL(ask("HTTP/1.0 409 Conflict\r\n\r\n{\"dup\":1}", 2000, &r), 0);
    CU_ASSERT_EQUAL(r.status, 409);
    CU_ASSERT_STRING_EQUAL(r.body, "{\"dup\":1}");
    CU_ASSERT_EQUAL(r.retry_after_ms, -1);
    sf_http_response_free(&r);

    /* Garbage, truncation and silence are errors, never crashes or hangs. */
    CU_ASSERT_EQUAL(ask("SSH-2.0-OpenSSH_9.6\r\n", 2000, &r), -1);
    CU_ASSERT_EQUAL(ask("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", 2000, &r), -1);
    CU_ASSERT_EQUAL(ask("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", 2000, &r), -1);
    CU_ASSERT_EQUAL(ask("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 2000, &r), -1);
    CU_ASSERT_EQUAL(ask("", 2000, &r), -1);
    int64_t t0 = sf_http_now_us();
    CU_ASSERT_EQUAL(ask(NULL, 300, &r), -1);
    int64_t took = sf_http_now_us() - t0;
    CU_ASSERT(took >= 250000 && took < 2000000);
}

static void test_http_refused(void)
{
    canned c;
    canned_start(&c, "x");
    uint16_t port = c.port;
    shutdown(c.lfd, SHUT_RDWR); /* unblock accept: nobody listens there any more */
    pthread_join(c.th, NULL);
    close(c.lfd);
    sf_url u;
    char url[64], err[SF_HTTP_ERR_MAX];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
    sf_url_parse(url, &u, err, sizeof err);
    sf_http_response r;
    CU_ASSERT_EQUAL(sf_http_request(&u, "GET", "/", NULL, NULL, 0, 1000, 100, &r, err,
                                    sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "connect"));
}

void sf_test_register_uploader(void)
{
    CU_pSuite s = CU_add_suite("uploader", NULL, NULL);
    CU_add_test(s, "batch encoding and gzip", test_batch_encode);
    CU_add_test(s, "batch encoding keeps non-UTF-8 fields", test_batch_non_utf8);
    CU_add_test(s, "backoff schedule", test_backoff);
    CU_add_test(s, "collector URL", test_url_parse);
    CU_add_test(s, "HTTP client responses", test_http_responses);
    CU_add_test(s, "HTTP client, nobody listening", test_http_refused);
}
