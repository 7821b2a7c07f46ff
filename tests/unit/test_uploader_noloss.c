/* The uploader's "no loss" acceptance test, against a fake collector that lives in this
 * file (a tiny HTTP server thread that gunzips batches, stores records by batch_id
 * idempotently like the real collector, and can be stopped, restarted, told to fail
 * with 503 or 400, or to store a batch and then lose the ack). Records carry their
 * sequence number in the endpoint; the test checks that every record arrives once and
 * in order across an outage, a lost ack and a sensor restart with a non-empty spool. */
#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/record.h"
#include "sensor/batch_encode.h"
#include "sensor/http_client.h"
#include "sensor/uploader.h"
#include "test_support.h"

#define MAX_IDS 100000
#define MAX_BATCHES 4096

typedef struct fake {
    pthread_mutex_t mu;
    pthread_t th;
    int lfd, running;
    uint16_t port;
    int ids[MAX_IDS];
    size_t nids;
    char *batch_ids[MAX_BATCHES];
    size_t nbatches;
    int duplicates, heartbeats, requests;
    int fail_count, fail_status; /* answer the next fail_count batches with fail_status */
    int lose_ack_count;          /* store, then close without answering */
    int heartbeat_status;        /* answer heartbeats with this (0 = 200) */
    const char *raw[4];          /* answer the next batch posts with these bytes, unstored */
    int nraw;
    const char *ack_body;        /* body of a 200 ack instead of the usual JSON */
    json_t *last_heartbeat;
} fake;

static fake fk;

static int read_request(int fd, char **body, size_t *body_len, char *head, size_t head_cap)
{
    size_t n = 0;
    char *end = NULL;
    while (!end && n < head_cap - 1) {
        ssize_t r = read(fd, head + n, head_cap - 1 - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        head[n] = '\0';
        end = strstr(head, "\r\n\r\n");
    }
    if (!end)
        return -1;
    const char *cl = strcasestr(head, "Content-Length:");
    size_t len = cl ? strtoul(cl + 15, NULL, 10) : 0;
    size_t have = n - (size_t)(end + 4 - head);
    *body = malloc(len + 1);
    memcpy(*body, end + 4, have < len ? have : len);
    while (have < len) {
        ssize_t r = read(fd, *body + have, len - have);
        if (r <= 0) {
            free(*body);
            return -1;
        }
        have += (size_t)r;
    }
    *body_len = len;
    end[2] = '\0';
    return 0;
}

static void reply(int fd, int status, const char *extra, const char *body)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s\r\n%s", status,
                     strlen(body), extra, body);
    ssize_t w = write(fd, buf, (size_t)n);
    (void)w;
}

static int already_stored(const char *batch_id)
{
    for (size_t i = 0; i < fk.nbatches; i++)
        if (strcmp(fk.batch_ids[i], batch_id) == 0)
            return 1;
    return 0;
}

/* Stores the records of a batch unless its id was seen. Returns 1 if a duplicate. */
static int store_batch(json_t *j)
{
    const char *id = json_string_value(json_object_get(j, "batch_id"));
    if (!id || already_stored(id))
        return 1;
    if (fk.nbatches < MAX_BATCHES)
        fk.batch_ids[fk.nbatches++] = strdup(id);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "records"), i, r) {
        const char *ep = json_string_value(json_object_get(r, "endpoint"));
        if (ep && fk.nids < MAX_IDS)
            fk.ids[fk.nids++] = atoi(ep + strlen("/item/"));
    }
    return 0;
}

static void handle_batch(int fd, const char *body, size_t len)
{
    unsigned char *plain = NULL;
    size_t plain_len = 0;
    json_t *j = NULL;
    if (sf_gunzip(body, len, 64 << 20, &plain, &plain_len) == 0)
        j = json_loadb((const char *)plain, plain_len, 0, NULL);
    free(plain);
    pthread_mutex_lock(&fk.mu);
    if (!j) {
        reply(fd, 400, "", "{\"detail\":\"bad body\"}");
    } else if (fk.nraw > 0) {
        ssize_t w = write(fd, fk.raw[0], strlen(fk.raw[0]));
        (void)w;
        memmove(fk.raw, fk.raw + 1, sizeof fk.raw - sizeof fk.raw[0]);
        fk.nraw--;
    } else if (fk.fail_count > 0) {
        fk.fail_count--;
        reply(fd, fk.fail_status, "Retry-After: 1\r\n", "{\"detail\":\"no\"}");
    } else {
        int dup = store_batch(j);
        fk.duplicates += dup;
        if (fk.lose_ack_count > 0)
            fk.lose_ack_count--; /* stored, but the sensor never hears of it */
        else
            reply(fd, 200, "", fk.ack_body ? fk.ack_body
                               : dup ? "{\"accepted\":0,\"rejected\":[],\"duplicate\":true}"
                                     : "{\"accepted\":1,\"rejected\":[],\"duplicate\":false}");
    }
    pthread_mutex_unlock(&fk.mu);
    json_decref(j);
}

static void serve_one(int fd)
{
    char head[16384], *body = NULL;
    size_t len = 0;
    if (read_request(fd, &body, &len, head, sizeof head) != 0)
        return;
    pthread_mutex_lock(&fk.mu);
    fk.requests++;
    pthread_mutex_unlock(&fk.mu);
    if (strncmp(head, "POST /api/traffic/batch ", 24) == 0 && strcasestr(head, "gzip") &&
        strstr(head, "Authorization: Bearer test-token\r\n")) {
        handle_batch(fd, body, len);
    } else if (strncmp(head, "POST /api/sensors/heartbeat ", 28) == 0) {
        pthread_mutex_lock(&fk.mu);
        fk.heartbeats++;
        json_decref(fk.last_heartbeat);
        fk.last_heartbeat = json_loadb(body, len, 0, NULL);
        int status = fk.heartbeat_status ? fk.heartbeat_status : 200;
        pthread_mutex_unlock(&fk.mu);
        reply(fd, status, "", status == 200 ? "{}" : "{\"detail\":\"Not Found\"}");
    } else {
        reply(fd, 404, "", "{\"detail\":\"Not Found\"}");
    }
    free(body);
}

static void *fake_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&fk.mu);
        int running = fk.running;
        pthread_mutex_unlock(&fk.mu);
        if (!running)
            return NULL;
        struct timeval tv = {.tv_usec = 50000};
        setsockopt(fk.lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int fd = accept(fk.lfd, NULL, NULL); /* times out so "running" is rechecked */
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){.tv_sec = 2}, sizeof tv);
        serve_one(fd);
        close(fd);
    }
}

/* Listens on fk.port (0 = any free port, remembered for restarts). */
static void fake_up(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons(fk.port)};
    socklen_t al = sizeof a;
    int one = 1;
    fk.lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fk.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    CU_ASSERT_EQUAL_FATAL(bind(fk.lfd, (struct sockaddr *)&a, sizeof a), 0);
    CU_ASSERT_EQUAL_FATAL(listen(fk.lfd, 16), 0);
    getsockname(fk.lfd, (struct sockaddr *)&a, &al);
    fk.port = ntohs(a.sin_port);
    fk.running = 1;
    pthread_create(&fk.th, NULL, fake_main, NULL);
}

/* Stops listening: connections are refused until fake_up. */
static void fake_down(void)
{
    pthread_mutex_lock(&fk.mu);
    fk.running = 0;
    pthread_mutex_unlock(&fk.mu);
    pthread_join(fk.th, NULL);
    close(fk.lfd);
}

static void fake_reset(void)
{
    for (size_t i = 0; i < fk.nbatches; i++)
        free(fk.batch_ids[i]);
    json_decref(fk.last_heartbeat);
    pthread_mutex_destroy(&fk.mu);
    memset(&fk, 0, sizeof fk);
    pthread_mutex_init(&fk.mu, NULL);
}

static int64_t mono_ms(void) { return sf_http_now_us() / 1000; }

static void nap_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits until the fake collector holds n records (or timeout); returns what it holds. */
static size_t wait_records(size_t n, int timeout_ms)
{
    int64_t end = mono_ms() + timeout_ms;
    for (;;) {
        pthread_mutex_lock(&fk.mu);
        size_t have = fk.nids;
        pthread_mutex_unlock(&fk.mu);
        if (have >= n || mono_ms() > end)
            return have;
        nap_ms(20);
    }
}

static void submit_range(sf_uploader *up, int from, int to)
{
    for (int i = from; i < to; i++) {
        sf_record r;
        char ep[32];
        sf_record_init(&r);
        int n = snprintf(ep, sizeof ep, "/item/%d", i);
        sf_record_set_text(&r.endpoint, ep, (size_t)n);
        sf_record_set_text(&r.path, ep, (size_t)n);
        strcpy(r.method, "GET");
        r.status_code = 200;
        r.response_time_ms = 0.5;
        CU_ASSERT_EQUAL(sf_uploader_submit(up, &r), 0);
        sf_record_clear(&r);
    }
}

static sf_uploader *start_full(const char *spool_dir, int64_t queue_max, int64_t heartbeat_ms)
{
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", fk.port);
    sf_uploader_config cfg = {
        .collector_url = url, .token = "test-token", .sensor_id = "unit-sensor",
        .interface = "lo", .spool_dir = spool_dir, .spool_max_bytes = 64 << 20,
        .batch_max_records = 10, .batch_max_age_ms = 50, .heartbeat_interval_ms = heartbeat_ms,
        .queue_max_records = queue_max,
    };
    sf_uploader *up = sf_uploader_start(&cfg, err, sizeof err);
    if (!up)
        fprintf(stderr, "uploader start: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(up);
    sf_uploader_set_stats(up, json_pack("{s:i}", "packets", 1234));
    return up;
}

static sf_uploader *start(const char *spool_dir) { return start_full(spool_dir, 1000, 200); }

/* Every id from 0 to n-1 exactly once, in order. */
static void check_in_order(size_t n)
{
    pthread_mutex_lock(&fk.mu);
    CU_ASSERT_EQUAL(fk.nids, n);
    size_t bad = 0;
    for (size_t i = 0; i < fk.nids && i < n; i++)
        bad += fk.ids[i] != (int)i;
    CU_ASSERT_EQUAL(bad, 0);
    if (bad || fk.nids != n)
        for (size_t i = 0; i < fk.nids; i++)
            fprintf(stderr, "%d%c", fk.ids[i], i + 1 == fk.nids ? '\n' : ' ');
    pthread_mutex_unlock(&fk.mu);
}

static size_t spool_files(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c 'batch$'", dir);
    FILE *p = popen(cmd, "r");
    size_t n = 0;
    if (p && fscanf(p, "%zu", &n) != 1)
        n = 0;
    if (p)
        pclose(p);
    return n;
}

static void test_no_loss(void)
{
    char *dir = sf_test_mkdtemp("upspool");
    fake_reset();
    fake_up();
    sf_uploader *up = start(dir);
    submit_range(up, 0, 50); /* collector up */
    CU_ASSERT_EQUAL(wait_records(50, 5000), 50);

    pthread_mutex_lock(&fk.mu);
    fk.lose_ack_count = 1; /* stored, ack lost: the resend must not store twice */
    pthread_mutex_unlock(&fk.mu);
    submit_range(up, 50, 60);
    CU_ASSERT_EQUAL(wait_records(60, 5000), 60);

    fake_down(); /* collector gone: batches go to the spool */
    submit_range(up, 60, 120);
    nap_ms(400);
    CU_ASSERT(spool_files(dir) >= 5);
    sf_uploader_stop(up, 300); /* sensor restarts while the collector is still down */
    CU_ASSERT(spool_files(dir) >= 6);
    up = start(dir);
    submit_range(up, 120, 140);
    nap_ms(200);

    fake_up(); /* back: spool first, in order, then the new records */
    CU_ASSERT_EQUAL(wait_records(140, 15000), 140);
    sf_uploader_counters c;
    sf_uploader_get_counters(up, &c);
    CU_ASSERT(c.batches_replayed >= 6);
    CU_ASSERT_EQUAL(c.records_dropped, 0);

    pthread_mutex_lock(&fk.mu);
    fk.fail_count = 2; /* an overloaded collector: 503 + Retry-After, then fine */
    fk.fail_status = 503;
    pthread_mutex_unlock(&fk.mu);
    submit_range(up, 140, 160);
    CU_ASSERT_EQUAL(wait_records(160, 10000), 160);
    sf_uploader_stop(up, 2000);

    check_in_order(160);
    pthread_mutex_lock(&fk.mu);
    CU_ASSERT(fk.duplicates >= 1);
    CU_ASSERT(fk.heartbeats >= 1);
    json_t *st = json_object_get(fk.last_heartbeat, "stats");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(st, "packets")), 1234);
    CU_ASSERT_PTR_NOT_NULL(json_object_get(st, "spooled_bytes"));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(fk.last_heartbeat, "sensor_id")),
                           "unit-sensor");
    pthread_mutex_unlock(&fk.mu);
    CU_ASSERT_EQUAL(spool_files(dir), 0);
    fake_down();
    sf_test_rmtree(dir);
    free(dir);
}

/* A 4xx other than 408/429 is final: that batch is dropped and counted, the rest flow. */
static void test_permanent_refusal(void)
{
    fake_reset();
    fake_up();
    sf_uploader *up = start(NULL);
    pthread_mutex_lock(&fk.mu);
    fk.fail_count = 1;
    fk.fail_status = 422;
    pthread_mutex_unlock(&fk.mu);
    submit_range(up, 0, 10);
    nap_ms(300);
    submit_range(up, 10, 20);
    CU_ASSERT_EQUAL(wait_records(10, 5000), 10);
    sf_uploader_counters c;
    sf_uploader_get_counters(up, &c);
    CU_ASSERT_EQUAL(c.batches_dropped, 1);
    CU_ASSERT_EQUAL(c.records_dropped, 10);
    CU_ASSERT_EQUAL(c.records_sent, 10);
    sf_uploader_stop(up, 1000);
    pthread_mutex_lock(&fk.mu);
    CU_ASSERT_EQUAL(fk.nids, 10);
    CU_ASSERT(fk.nids > 0 && fk.ids[0] == 10);
    pthread_mutex_unlock(&fk.mu);
    fake_down();
}

/* A clean stop flushes what is pending within the deadline. */
static void test_stop_flushes(void)
{
    fake_reset();
    fake_up();
    sf_uploader *up = start(NULL);
    submit_range(up, 0, 7); /* under one batch, younger than its max age */
    sf_uploader_stop(up, 2000);
    CU_ASSERT_EQUAL(wait_records(7, 10), 7);
    check_in_order(7);
    fake_down();
}

/* With the collector down and a tiny queue, submitters spool full batches themselves:
 * nothing is dropped, and the order survives two threads writing the spool. */
static void test_queue_full_spools(void)
{
    char *dir = sf_test_mkdtemp("upspool");
    fake_reset();
    fake_up();
    fake_down(); /* keeps the port number, refuses connections */
    sf_uploader *up = start_full(dir, 20, 200);
    submit_range(up, 0, 300);
    sf_uploader_counters c;
    sf_uploader_get_counters(up, &c);
    CU_ASSERT_EQUAL(c.records_dropped, 0);
    CU_ASSERT_EQUAL(c.records_submitted, 300);
    fake_up();
    CU_ASSERT_EQUAL(wait_records(300, 15000), 300);
    sf_uploader_stop(up, 2000);
    check_in_order(300);
    fake_down();
    sf_test_rmtree(dir);
    free(dir);
}

/* A record arriving while the thread sleeps towards a distant heartbeat still leaves
 * within the batch age, not at the heartbeat. */
static void test_batch_age_between_heartbeats(void)
{
    fake_reset();
    fk.heartbeat_status = 404; /* a collector without the heartbeat endpoint is no matter */
    fake_up();
    sf_uploader *up = start_full(NULL, 1000, 60000);
    nap_ms(300); /* the first heartbeat is out; the next is a minute away */
    int64_t t0 = mono_ms();
    submit_range(up, 0, 3);
    CU_ASSERT_EQUAL(wait_records(3, 3000), 3);
    CU_ASSERT(mono_ms() - t0 < 1000);
    pthread_mutex_lock(&fk.mu);
    CU_ASSERT(fk.heartbeats >= 1);
    pthread_mutex_unlock(&fk.mu);
    sf_uploader_stop(up, 1000);
    fake_down();
}

/* A collector answering garbage, a redirect, or an ack whose body is not JSON: no crash,
 * the first two are retried, the ack counts, and nothing is lost or doubled. */
static void test_strange_answers(void)
{
    fake_reset();
    fk.raw[0] = "SSH-2.0-OpenSSH_9.6\r\n";
    fk.raw[1] = "HTTP/1.1 301 Moved\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n";
    fk.raw[2] = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\ntruncated";
    fk.nraw = 3;
    fk.ack_body = "{{{ not json";
    fake_up();
    sf_uploader *up = start(NULL);
    submit_range(up, 0, 30);
    CU_ASSERT_EQUAL(wait_records(30, 15000), 30);
    sf_uploader_counters c;
    sf_uploader_get_counters(up, &c);
    CU_ASSERT_EQUAL(c.records_dropped, 0);
    CU_ASSERT(c.send_failures >= 3);
    sf_uploader_stop(up, 2000);
    check_in_order(30);
    fake_down();
}

static void test_bad_config(void)
{
    char err[256];
    sf_uploader_config cfg = {.collector_url = "ftp://c.example", .sensor_id = "s"};
    CU_ASSERT_PTR_NULL(sf_uploader_start(&cfg, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "http"));
    cfg.collector_url = "http://127.0.0.1:1";
    cfg.batch_max_records = 20000;
    CU_ASSERT_PTR_NULL(sf_uploader_start(&cfg, err, sizeof err));
    cfg.batch_max_records = 10;
    cfg.token = "abc\r\nX-Evil: 1";
    CU_ASSERT_PTR_NULL(sf_uploader_start(&cfg, err, sizeof err));
    cfg.token = "t";
    cfg.sensor_id = "caf\xe9";
    CU_ASSERT_PTR_NULL(sf_uploader_start(&cfg, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "UTF-8"));
}

static int quiet_logs(void)
{
    sf_log_set_level(SF_LOG_ERROR);
    return 0;
}

static int normal_logs(void)
{
    sf_log_set_level(SF_LOG_INFO);
    fake_reset();
    return 0;
}

void sf_test_register_uploader_noloss(void)
{
    pthread_mutex_init(&fk.mu, NULL);
    CU_pSuite s = CU_add_suite("uploader_noloss", quiet_logs, normal_logs);
    CU_add_test(s, "no loss: outage, lost ack, restart with spool, 503", test_no_loss);
    CU_add_test(s, "permanent refusal is dropped and counted", test_permanent_refusal);
    CU_add_test(s, "stop flushes pending records", test_stop_flushes);
    CU_add_test(s, "full queue spools from the submitter, in order", test_queue_full_spools);
    CU_add_test(s, "batch age holds between heartbeats", test_batch_age_between_heartbeats);
    CU_add_test(s, "garbage, redirect, truncated and non-JSON answers", test_strange_answers);
    CU_add_test(s, "bad configuration refused", test_bad_config);
}
