/* A generator of large, realistic HTTP/1.1 captures for the sensor benchmarks: thousands
 * of interleaved keep-alive connections (Ethernet/IPv4/TCP, handshake, requests, segmented
 * responses with client ACKs, some chunked, some pipelined, FIN), timestamps ordered by a
 * heap of per-connection events, sizes and latencies drawn from a seeded generator.
 * usage: make_capture -o FILE [--transactions N] [--concurrency C] [--keepalive K]
 *                     [--seed S] [--snaplen B]
 * Prints "packets P transactions T connections N bytes B" on stdout. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSS 1448
#define HDR_LEN (14 + 20 + 32) /* Ethernet, IPv4, TCP with timestamps option */

enum { S_SYN, S_SYNACK, S_ACK, S_SEND, S_ACKSEG, S_ACKEND, S_FIN1, S_FIN2, S_FIN3, S_DONE };

typedef struct conn {
    uint64_t t;             /* next event, microseconds */
    int state;
    uint32_t cip, sip;
    uint16_t cport, sport;
    uint32_t cseq, sseq;    /* next sequence numbers of client and server */
    int left;               /* transactions still to do on this connection */
    int from_server;        /* direction of the buffer being sent */
    int segs;               /* segments sent of the current buffer */
    int pipelined;          /* requests in the current batch */
    int kinds[4];           /* what each response of the batch looks like */
    unsigned char *buf;
    size_t len, off;
} conn;

static uint64_t rng_state;
static uint64_t rnd(void) /* xorshift64*: fast, seeded, reproducible */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}
static double unif(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }
static uint32_t range(uint32_t lo, uint32_t hi) { return lo + (uint32_t)(rnd() % (hi - lo + 1)); }
static double lognormal(double median, double shape)
{
    double u1 = unif() + 1e-12, u2 = unif();
    return median * exp(shape * sqrt(-2 * log(u1)) * cos(6.283185307 * u2));
}

/* --- options and global state --- */
static long opt_txns = 500000, opt_conc = 2000, opt_keepalive = 100;
static uint32_t opt_snaplen = 262144;
static FILE *out;
static long n_pkts, n_txn_started, n_txn_done, n_conns;
static uint64_t n_bytes;
static conn **heap;
static long heap_n;
static const char filler[] =
    "{\"id\":1234,\"name\":\"Widget deluxe\",\"price\":19.99,\"tags\":[\"home\",\"garden\"],"
    "\"stock\":42,\"description\":\"A sturdy widget for everyday use, made of recycled parts\"},";

/* --- pcap output --- */
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void be16(unsigned char *p, uint32_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void be32(unsigned char *p, uint32_t v) { be16(p, v >> 16); be16(p + 2, v); }

static void write_file_header(void)
{
    unsigned char h[24] = {0};
    put32(h, 0xa1b2c3d4);
    h[4] = 2; h[6] = 4; /* version 2.4, little endian as written by put32 on x86 */
    put32(h + 16, opt_snaplen);
    put32(h + 20, 1); /* LINKTYPE_ETHERNET */
    fwrite(h, 1, sizeof h, out);
}

static uint32_t csum_add(uint32_t sum, const unsigned char *p, size_t n)
{
    for (; n > 1; n -= 2, p += 2)
        sum += (uint32_t)(p[0] << 8 | p[1]);
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}
static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* One Ethernet/IPv4/TCP packet of the connection, in the given direction, with valid
 * IP and TCP checksums (tools that verify them must see a clean capture). */
static void emit(conn *c, int from_server, uint8_t flags, const unsigned char *pl, size_t n)
{
    static unsigned char pkt[HDR_LEN + MSS];
    static uint16_t ip_id;
    unsigned char *eth = pkt, *ip = pkt + 14, *tcp = pkt + 34;
    uint32_t src = from_server ? c->sip : c->cip, dst = from_server ? c->cip : c->sip;
    uint16_t sp = from_server ? c->sport : c->cport, dp = from_server ? c->cport : c->sport;
    uint32_t *seq = from_server ? &c->sseq : &c->cseq, ack = from_server ? c->cseq : c->sseq;
    memset(pkt, 0, HDR_LEN);
    memcpy(eth, from_server ? "\x02\0\0\0\0\x02\x02\0\0\0\0\x01" : "\x02\0\0\0\0\x01\x02\0\0\0\0\x02", 12);
    eth[12] = 0x08;
    ip[0] = 0x45; be16(ip + 2, (uint32_t)(20 + 32 + n)); be16(ip + 4, ip_id++);
    ip[6] = 0x40; ip[8] = 64; ip[9] = 6; be32(ip + 12, src); be32(ip + 16, dst);
    be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    be16(tcp, sp); be16(tcp + 2, dp); be32(tcp + 4, *seq);
    be32(tcp + 8, (flags & 0x10) ? ack : 0);
    tcp[12] = 8 << 4; tcp[13] = flags; be16(tcp + 14, 65535);
    tcp[20] = 1; tcp[21] = 1; tcp[22] = 8; tcp[23] = 10; /* NOP NOP timestamps */
    be32(tcp + 24, (uint32_t)(c->t / 1000)); be32(tcp + 28, (uint32_t)(c->t / 1000) - 1);
    memcpy(tcp + 32, pl, n);
    uint32_t sum = csum_add(0, ip + 12, 8) + 6 + (uint32_t)(32 + n);
    be16(tcp + 16, csum_fold(csum_add(sum, tcp, 32 + n)));
    *seq += (uint32_t)n + ((flags & 0x03) ? 1 : 0); /* SYN and FIN take one number */
    uint32_t len = (uint32_t)(HDR_LEN + n), cap = len < opt_snaplen ? len : opt_snaplen;
    unsigned char rh[16];
    put32(rh, (uint32_t)(c->t / 1000000)); put32(rh + 4, (uint32_t)(c->t % 1000000));
    put32(rh + 8, cap); put32(rh + 12, len);
    fwrite(rh, 1, 16, out);
    fwrite(pkt, 1, cap, out);
    n_pkts++;
    n_bytes += len;
}

/* --- HTTP messages --- */
typedef struct { unsigned char *p; size_t n, cap; } sbuf;
static void sb_put(sbuf *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 256;
        b->p = realloc(b->p, b->cap);
        if (!b->p) { perror("realloc"); exit(1); }
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
static void sb_filler(sbuf *b, size_t n)
{
    while (n) {
        size_t k = n < sizeof filler - 1 ? n : sizeof filler - 1;
        sb_put(b, filler, k);
        n -= k;
    }
}

/* Response body sizes: mostly small JSON, some listings, a few large pages. */
static size_t body_size(void)
{
    double u = unif();
    if (u < 0.75) return range(60, 800);
    if (u < 0.95) return range(800, 4000);
    return range(4000, 30000);
}

/* Appends one request; *kind tells the response what to look like (0 normal, 1 HEAD,
 * 2 no content, 3 chunked listing). */
static void make_request(sbuf *b, int *kind)
{
    static const char *agents[] = {"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        "okhttp/4.12.0", "python-requests/2.31.0", "curl/8.5.0", "Go-http-client/1.1"};
    const char *ua = agents[rnd() % 5];
    int r = (int)(rnd() % 100), body = 0;
    *kind = 0;
    if (r < 30) sb_printf(b, "GET /api/products/%u HTTP/1.1\r\n", range(1, 520));
    else if (r < 42) { sb_printf(b, "GET /api/products?page=%u&limit=20 HTTP/1.1\r\n", range(1, 25)); *kind = 3; }
    else if (r < 55) sb_printf(b, "GET /api/users/%u?fields=name,email&token=s3cr3t HTTP/1.1\r\n", range(1, 1000));
    else if (r < 63) { sb_printf(b, "GET /api/search?q=widget+%u HTTP/1.1\r\n", range(1, 999)); *kind = 3; }
    else if (r < 72) { sb_printf(b, "POST /api/orders HTTP/1.1\r\n"); body = (int)range(40, 2500); }
    else if (r < 78) { sb_printf(b, "POST /api/auth/login HTTP/1.1\r\n"); body = 45; }
    else if (r < 83) { sb_printf(b, "PUT /api/users/%u HTTP/1.1\r\n", range(1, 1000)); body = (int)range(30, 300); }
    else if (r < 88) { sb_printf(b, "DELETE /api/orders/%u HTTP/1.1\r\n", range(1, 99999)); *kind = 2; }
    else if (r < 93) { sb_printf(b, "HEAD /api/products/%u HTTP/1.1\r\n", range(1, 500)); *kind = 1; }
    else sb_printf(b, "GET /api/health HTTP/1.1\r\n");
    sb_printf(b, "Host: shop.example.com\r\nUser-Agent: %s\r\nAccept: application/json\r\n", ua);
    if (rnd() % 4 == 0) sb_printf(b, "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.%08x\r\n", (unsigned)rnd());
    if (rnd() % 3 == 0) sb_printf(b, "Cookie: session=%016llx; theme=dark\r\n", (unsigned long long)rnd());
    if (rnd() % 5 == 0) sb_printf(b, "X-Forwarded-For: 203.0.113.%u\r\n", range(1, 254));
    if (body) {
        sb_printf(b, "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", body);
        sb_filler(b, (size_t)body);
    } else {
        sb_put(b, "\r\n", 2);
    }
}

static void make_response(sbuf *b, int kind)
{
    static const char *date = "Date: Tue, 24 Nov 2026 10:00:00 GMT\r\nServer: shop/1.0\r\n";
    if (kind == 2) { sb_printf(b, "HTTP/1.1 204 No Content\r\n%s\r\n", date); return; }
    size_t n = body_size();
    int status = rnd() % 100 < 4 ? 404 : rnd() % 1000 < 5 ? 500 : 200;
    sb_printf(b, "HTTP/1.1 %d %s\r\n%sContent-Type: application/json\r\n", status,
              status == 200 ? "OK" : status == 404 ? "Not Found" : "Internal Server Error", date);
    if (kind == 3 && status == 200) { /* chunked listing, chunks of 0.5-4 KiB */
        n += 2000;
        sb_printf(b, "Transfer-Encoding: chunked\r\n\r\n");
        while (n) {
            size_t k = range(512, 4096);
            k = k < n ? k : n;
            sb_printf(b, "%zx\r\n", k);
            sb_filler(b, k);
            sb_put(b, "\r\n", 2);
            n -= k;
        }
        sb_put(b, "0\r\n\r\n", 5);
        return;
    }
    sb_printf(b, "Content-Length: %zu\r\n\r\n", n);
    if (kind != 1)
        sb_filler(b, n);
}

/* --- connections: a min-heap of next-event times --- */
static void heap_push(conn *c)
{
    long i = heap_n++;
    while (i && heap[(i - 1) / 2]->t > c->t) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = c;
}
static conn *heap_pop(void)
{
    conn *top = heap[0], *last = heap[--heap_n];
    long i = 0;
    for (;;) {
        long k = 2 * i + 1;
        if (k >= heap_n) break;
        if (k + 1 < heap_n && heap[k + 1]->t < heap[k]->t) k++;
        if (heap[k]->t >= last->t) break;
        heap[i] = heap[k];
        i = k;
    }
    if (heap_n) heap[i] = last;
    return top;
}

static void conn_open(conn *c, uint64_t t)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->cip = 0x0a000000u | range(1, 0xfffe);        /* 10.0.x.y clients */
    c->sip = 0xc0a80000u | range(10, 13);           /* four servers */
    c->cport = (uint16_t)range(20000, 60999);
    c->sport = rnd() % 4 ? 80 : 8080;
    c->cseq = (uint32_t)rnd();
    c->sseq = (uint32_t)rnd();
    c->left = 1 + (int)(-log(unif() + 1e-12) * (double)opt_keepalive); /* geometric-ish */
    n_conns++;
}

/* Starts the next request batch (1, or 2-4 pipelined), or closes when done. */
static void next_request(conn *c)
{
    if (c->left <= 0 || n_txn_started >= opt_txns) {
        c->state = S_FIN1;
        return;
    }
    sbuf b = {0};
    int k = rnd() % 20 == 0 ? (int)range(2, 4) : 1;
    if (k > c->left) k = c->left;
    for (int i = 0; i < k; i++)
        make_request(&b, &c->kinds[i]);
    c->pipelined = k;
    c->left -= k;
    n_txn_started += k;
    c->buf = b.p; c->len = b.n; c->off = 0; c->segs = 0;
    c->from_server = 0;
    c->state = S_SEND;
}

/* Sends the next segment of the buffer; when it is done, the server answers after its
 * latency, or the client ACKs and thinks before the next request. Returns the delay. */
static uint64_t send_segment(conn *c)
{
    size_t n = c->len - c->off < MSS ? c->len - c->off : MSS;
    int last = c->off + n == c->len;
    emit(c, c->from_server, last ? 0x18 : 0x10, c->buf + c->off, n);
    c->off += n;
    c->segs++;
    if (!last) {
        if (c->from_server && c->segs % 2 == 0)
            c->state = S_ACKSEG;
        return 12; /* about a 1 Gb/s link */
    }
    free(c->buf);
    c->buf = NULL;
    if (c->from_server) {
        n_txn_done += c->pipelined;
        c->state = S_ACKEND;
        return 40 + rnd() % 200;
    }
    sbuf b = {0};
    for (int i = 0; i < c->pipelined; i++)
        make_response(&b, c->kinds[i]);
    c->buf = b.p; c->len = b.n; c->off = 0; c->segs = 0;
    c->from_server = 1;
    return (uint64_t)lognormal(4000, 0.9) + 30; /* server latency, median 4 ms */
}

/* Emits the connection's next packet and returns the delay to the one after, or 0 when
 * the connection is finished. */
static uint64_t step(conn *c)
{
    uint64_t rtt = 60 + rnd() % 400;
    switch (c->state) {
    case S_SYN: emit(c, 0, 0x02, NULL, 0); c->state = S_SYNACK; return rtt;
    case S_SYNACK: emit(c, 1, 0x12, NULL, 0); c->state = S_ACK; return rtt;
    case S_ACK: emit(c, 0, 0x10, NULL, 0); next_request(c); return 5 + rnd() % 50;
    case S_SEND: return send_segment(c);
    case S_ACKSEG: emit(c, 0, 0x10, NULL, 0); c->state = S_SEND; return 3;
    case S_ACKEND:
        emit(c, 0, 0x10, NULL, 0);
        next_request(c);
        return (uint64_t)lognormal(80000, 1.2) + 100; /* client think time, median 80 ms */
    case S_FIN1: emit(c, 0, 0x11, NULL, 0); c->state = S_FIN2; return rtt;
    case S_FIN2: emit(c, 1, 0x11, NULL, 0); c->state = S_FIN3; return rtt;
    case S_FIN3: emit(c, 0, 0x10, NULL, 0); c->state = S_DONE; return 0;
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: make_capture -o FILE [--transactions N] [--concurrency C] "
                    "[--keepalive K] [--seed S] [--snaplen B]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) usage();
        if (!strcmp(a, "-o")) path = v;
        else if (!strcmp(a, "--transactions")) opt_txns = atol(v);
        else if (!strcmp(a, "--concurrency")) opt_conc = atol(v);
        else if (!strcmp(a, "--keepalive")) opt_keepalive = atol(v);
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--snaplen")) opt_snaplen = (uint32_t)atol(v);
        else usage();
        i++;
    }
    if (!path || opt_conc < 1 || opt_txns < 1 || opt_keepalive < 1 || opt_snaplen < 64) usage();
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    out = !strcmp(path, "-") ? stdout : fopen(path, "wb");
    if (!out) { perror(path); return 1; }
    static char obuf[1 << 20];
    setvbuf(out, obuf, _IOFBF, sizeof obuf);
    write_file_header();
    heap = calloc((size_t)opt_conc, sizeof *heap);
    conn *pool = calloc((size_t)opt_conc, sizeof *pool);
    if (!heap || !pool) { perror("calloc"); return 1; }
    uint64_t t0 = 1795960800ull * 1000000; /* 2026-11-28 */
    for (long i = 0; i < opt_conc; i++) { /* connections open over the first second */
        conn_open(&pool[i], t0 + rnd() % 1000000);
        heap_push(&pool[i]);
    }
    while (heap_n) {
        conn *c = heap_pop();
        uint64_t d = step(c);
        if (d) c->t += d;
        else if (n_txn_started < opt_txns) conn_open(c, c->t + 1 + rnd() % 2000);
        else continue;
        heap_push(c);
    }
    if (fflush(out) || (out != stdout && fclose(out))) { perror(path); return 1; }
    printf("packets %ld transactions %ld connections %ld bytes %llu\n", n_pkts, n_txn_done,
           n_conns, (unsigned long long)n_bytes);
    free(pool);
    free(heap);
    return 0;
}
