/* ingest_load: a load and no-loss client for POST /api/traffic/batch.
 *
 * Builds N records in gzip batches of B (all bodies made before the clock starts), then C
 * threads send them over keep-alive HTTP/1.1 connections. Each batch is retried (new
 * connection, backoff) until the collector acknowledges it with 200, so with --retry the
 * program only ends when every record is acknowledged (batch ids make retries safe).
 * --rate paces the batches (sustained-load runs); without it they go as fast as acknowledged.
 * Prints one summary line: records, acked, batches, seconds, rps, retries, duplicates.
 *
 * cc -O2 -std=c11 -Wall -Wextra -Werror -pthread ingest_load.c -o ingest_load -lz */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

typedef struct {
    char *data;
    size_t len;
} body_t;

static struct {
    const char *host, *token, *prefix, *acked_file;
    int port, conns, retry, gzip, quiet;
    long records, batch;
    double give_up_s;
    double rate; /* records/s over all connections; 0 = as fast as acknowledged */
} opt = {"127.0.0.1", NULL, "load", NULL, 8080, 4, 1, 1, 0, 100000, 5000, 600, 0};
static double send_start; /* when sending began, for --rate */
static double max_batch_s; /* longest first try -> acknowledgement of one batch (stalls) */

static body_t *bodies;
static long nbatches;
static FILE *acked_out; /* --acked-file: ids of acknowledged batches, one a line */
static pthread_mutex_t acked_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_long next_batch, acked_records, acked_batches, retries, duplicates, fatal;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
        if (!*buf) {
            perror("realloc");
            exit(2);
        }
    }
    memcpy(*buf + *len, s, n);
    *len += n;
}

/* One record, varied but deterministic in its index. */
static int record_json(char *out, size_t size, long i, time_t now)
{
    static const char *methods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    static const char *paths[] = {"/api/users/%ld", "/api/orders/%ld/items", "/api/products",
                                  "/api/search?q=item%ld", "/login", "/api/cart/%ld"};
    char path[96], ts[32];
    snprintf(path, sizeof path, paths[i % 6], i % 997);
    time_t t = now - (i % 3000);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", gmtime(&t));
    int status = i % 50 == 0 ? 404 : (i % 211 == 0 ? 500 : 200);
    return snprintf(out, size,
        "{\"endpoint\":\"%s\",\"method\":\"%s\",\"status_code\":%d,\"response_time_ms\":%.3f,"
        "\"request_size_bytes\":%ld,\"response_size_bytes\":%ld,\"ip_address\":\"10.%ld.%ld.%ld\","
        "\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) load/%ld\",\"timestamp\":\"%s.%06ldZ\","
        "\"client_port\":%ld,\"server_ip\":\"10.0.0.1\",\"server_port\":443,\"host\":\"shop.example\","
        "\"http_version\":\"1.1\",\"ttfb_us\":%ld,\"duration_us\":%ld}",
        path, methods[i % 6], status, 5 + (i * 7919 % 25000) / 100.0, 200 + i % 700,
        500 + i * 31 % 40000, (i >> 16) & 255, (i >> 8) & 255, i & 255, i % 7, ts, i % 1000000,
        1024 + i % 60000, 3000 + i % 90000, 5000 + i % 200000);
}

static body_t gzip_body(const char *plain, size_t len)
{
    z_stream zs = {0};
    body_t b = {malloc(compressBound(len) + 64), 0};
    if (!b.data || deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        exit(2);
    zs.next_in = (Bytef *)plain;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)b.data;
    zs.avail_out = (uInt)(compressBound(len) + 64);
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        exit(2);
    b.len = zs.total_out;
    deflateEnd(&zs);
    return b;
}

static void build_bodies(void)
{
    nbatches = (opt.records + opt.batch - 1) / opt.batch;
    bodies = calloc((size_t)nbatches, sizeof *bodies);
    time_t now = time(NULL);
    char rec[1024];
    for (long b = 0; b < nbatches; b++) {
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int n = snprintf(rec, sizeof rec, "{\"sensor_id\":\"%s\",\"batch_id\":\"%s-%ld\",\"records\":[",
                         opt.prefix, opt.prefix, b);
        append(&buf, &len, &cap, rec, (size_t)n);
        long first = b * opt.batch, last = first + opt.batch;
        if (last > opt.records)
            last = opt.records;
        for (long i = first; i < last; i++) {
            if (i > first)
                append(&buf, &len, &cap, ",", 1);
            n = record_json(rec, sizeof rec, i, now);
            append(&buf, &len, &cap, rec, (size_t)n);
        }
        append(&buf, &len, &cap, "]}", 2);
        if (opt.gzip) {
            bodies[b] = gzip_body(buf, len);
            free(buf);
        } else {
            bodies[b] = (body_t){buf, len};
        }
    }
}

static int connect_to(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    inet_pton(AF_INET, opt.host, &sa.sin_addr);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {120, 0}; /* an answer waits for COMMIT: allow database stalls */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one response; returns the status (or -1) and copies up to 255 bytes of body. */
static int read_response(int fd, char *body_out, size_t body_size)
{
    char buf[8192];
    size_t got = 0;
    char *end = NULL;
    while (!end) {
        if (got == sizeof buf - 1)
            return -1;
        ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
        buf[got] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
        return -1;
    char *cl = strcasestr(buf, "\r\nContent-Length:");
    long want = cl && cl < end ? strtol(cl + 17, NULL, 10) : 0;
    size_t have = got - (size_t)(end + 4 - buf);
    size_t keep = 0;
    char *b = end + 4;
    keep = have < body_size - 1 ? have : body_size - 1;
    memcpy(body_out, b, keep);
    while ((long)have < want) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0)
            return -1;
        size_t take = (size_t)r;
        if (keep + take > body_size - 1)
            take = body_size - 1 - keep;
        memcpy(body_out + keep, buf, take);
        keep += take;
        have += (size_t)r;
    }
    body_out[keep] = '\0';
    return status;
}

static int post_batch(int *fd, long b, char *answer, size_t answer_size)
{
    if (*fd < 0 && (*fd = connect_to()) < 0)
        return -1;
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /api/traffic/batch HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                     "%s%s%s%sContent-Length: %zu\r\n\r\n", opt.host,
                     opt.gzip ? "Content-Encoding: gzip\r\n" : "",
                     opt.token ? "Authorization: Bearer " : "", opt.token ? opt.token : "",
                     opt.token ? "\r\n" : "", bodies[b].len);
    int status = -1;
    if (send_all(*fd, head, (size_t)n) == 0 && send_all(*fd, bodies[b].data, bodies[b].len) == 0)
        status = read_response(*fd, answer, answer_size);
    if (status < 0 || status != 200) {
        close(*fd);
        *fd = -1;
    }
    return status;
}

static void *sender(void *arg)
{
    (void)arg;
    int fd = -1;
    char answer[256];
    for (;;) {
        long b = atomic_fetch_add(&next_batch, 1);
        if (b >= nbatches)
            break;
        if (opt.rate > 0) { /* batch b is due at b * batch / rate seconds */
            double wait = send_start + (double)b * opt.batch / opt.rate - now_s();
            if (wait > 0)
                usleep((useconds_t)(wait * 1e6));
        }
        int backoff_ms = 20;
        double start = now_s();
        for (;;) {
            int status = post_batch(&fd, b, answer, sizeof answer);
            if (status == 200) {
                double took = now_s() - start;
                pthread_mutex_lock(&acked_lock);
                if (took > max_batch_s)
                    max_batch_s = took;
                pthread_mutex_unlock(&acked_lock);
                char *a = strstr(answer, "\"accepted\":");
                atomic_fetch_add(&acked_records, a ? atol(a + 11) : 0);
                atomic_fetch_add(&acked_batches, 1);
                if (strstr(answer, "\"duplicate\":true"))
                    atomic_fetch_add(&duplicates, 1);
                if (acked_out) {
                    pthread_mutex_lock(&acked_lock);
                    fprintf(acked_out, "%s-%ld\n", opt.prefix, b);
                    fflush(acked_out);
                    pthread_mutex_unlock(&acked_lock);
                }
                break;
            }
            /* 502/504: a load balancer whose collector died under the request */
            if (status >= 400 && status != 429 && status != 503 && status != 500 &&
                status != 502 && status != 504) {
                fprintf(stderr, "batch %ld: status %d: %s\n", b, status, answer);
                atomic_fetch_add(&fatal, 1);
                break;
            }
            atomic_fetch_add(&retries, 1);
            if (!opt.retry || now_s() - start > opt.give_up_s) {
                fprintf(stderr, "batch %ld: giving up (status %d)\n", b, status);
                atomic_fetch_add(&fatal, 1);
                break;
            }
            usleep((useconds_t)backoff_ms * 1000);
            backoff_ms = backoff_ms < 1000 ? backoff_ms * 2 : 1000;
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: [SECURAFLOW_TOKEN=T] ingest_load [--host H] [--port P] [--records N] [--batch B]\n"
                    "       [--conns C] [--prefix ID] [--no-gzip] [--no-retry] [--give-up S]\n"
                    "       [--acked-file F] [--rate RECORDS_PER_SECOND]\n");
    exit(2);
}

static void parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-gzip")) opt.gzip = 0;
        else if (!strcmp(a, "--no-retry")) opt.retry = 0;
        else if (!v) usage();
        else if (!strcmp(a, "--host")) opt.host = v, i++;
        else if (!strcmp(a, "--port")) opt.port = atoi(v), i++;
        else if (!strcmp(a, "--records")) opt.records = atol(v), i++;
        else if (!strcmp(a, "--batch")) opt.batch = atol(v), i++;
        else if (!strcmp(a, "--conns")) opt.conns = atoi(v), i++;
        else if (!strcmp(a, "--prefix")) opt.prefix = v, i++;
        else if (!strcmp(a, "--give-up")) opt.give_up_s = atof(v), i++;
        else if (!strcmp(a, "--rate")) opt.rate = atof(v), i++;
        else if (!strcmp(a, "--acked-file")) opt.acked_file = v, i++;
        else usage();
    }
    if (opt.records < 1 || opt.batch < 1 || opt.conns < 1 || opt.port < 1)
        usage();
    /* The token from the environment, never an argument (ps would show it). */
    const char *token = getenv("SECURAFLOW_TOKEN");
    opt.token = token && *token ? token : NULL;
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    if (opt.acked_file && !(acked_out = fopen(opt.acked_file, "w"))) {
        perror(opt.acked_file);
        return 2;
    }
    double t0 = now_s();
    build_bodies();
    double t1 = now_s();
    send_start = t1;
    pthread_t *th = calloc((size_t)opt.conns, sizeof *th);
    for (int i = 0; i < opt.conns; i++)
        pthread_create(&th[i], NULL, sender, NULL);
    for (int i = 0; i < opt.conns; i++)
        pthread_join(th[i], NULL);
    double secs = now_s() - t1;
    size_t bytes = 0;
    for (long b = 0; b < nbatches; b++) {
        bytes += bodies[b].len;
        free(bodies[b].data);
    }
    free(bodies);
    free(th);
    printf("records=%ld acked=%ld batches=%ld acked_batches=%ld seconds=%.3f rps=%.0f retries=%ld "
           "duplicates=%ld fatal=%ld body_mb=%.1f build_s=%.2f max_batch_s=%.3f\n", opt.records,
           atomic_load(&acked_records), nbatches, atomic_load(&acked_batches), secs,
           atomic_load(&acked_records) / secs, atomic_load(&retries), atomic_load(&duplicates),
           atomic_load(&fatal), bytes / 1e6, t1 - t0, max_batch_s);
    if (acked_out)
        fclose(acked_out);
    return atomic_load(&fatal) ? 1 : 0;
}
