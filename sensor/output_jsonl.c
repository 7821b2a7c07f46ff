/* JSON-lines output. Lines are built by hand into a buffer (no JSON library per
 * record: this is the hot path) and written under a lock so workers never interleave.
 * Strings are escaped, and bytes that are not valid UTF-8 become U+FFFD so every line
 * is valid JSON whatever was on the wire. */
#include "sensor/output_jsonl.h"
#include "common/time_util.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct sf_jsonl {
    FILE *out;
    int owned;
    pthread_mutex_t lock;
};

typedef struct sbuf {
    char *p;
    size_t len, size;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->len < b->size) {
        size_t room = b->size - b->len;
        memcpy(b->p + b->len, s, n < room ? n : room);
    }
    b->len += n;
}

static void putf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(sbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Length of a valid UTF-8 sequence at s (0 if invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t need = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
                : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!need || need > n || (need == 2 && s[0] < 0xc2))
        return 0;
    for (size_t i = 1; i < need; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return need;
}

/* Bytes copied as they are: printable ASCII except the quote and the backslash. A table,
 * since this test runs on every byte of every string of every record. */
static unsigned char plain_table[256];
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;
static void plain_init(void)
{
    for (int c = 0x20; c < 0x7f; c++)
        plain_table[c] = c != '"' && c != '\\';
}
static int plain_ascii(unsigned char c) { return plain_table[c]; }

static void put_string(sbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    put(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        size_t run = i;
        while (run < n && plain_ascii(s[run]))   /* the common case, copied in one go */
            run++;
        if (run > i) {
            put(b, (const char *)s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            putf(b, "\\u%04x", c);
            i++;
        } else {
            size_t k = utf8_len(s + i, n - i);
            if (k)
                put(b, (const char *)s + i, k);
            else
                put(b, "\\ufffd", 6);
            i += k ? k : 1;
        }
    }
    put(b, "\"", 1);
}

/* RFC 3339 time; the date and time of day are formatted once per second. */
static void put_time(sbuf *b, int64_t us)
{
    static __thread int64_t cached_sec = INT64_MIN;
    static __thread char cached[SF_RFC3339_LEN];
    int64_t sec = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    if (sec != cached_sec) {
        sf_time_format(sec * 1000000, cached, sizeof cached);
        cached[19] = '\0';      /* keep "YYYY-MM-DDTHH:MM:SS" */
        cached_sec = sec;
    }
    char frac[10];
    int64_t f = us - sec * 1000000;
    frac[0] = '.';
    for (int i = 6; i >= 1; i--, f /= 10)
        frac[i] = (char)('0' + f % 10);
    frac[7] = 'Z';
    put(b, "\"", 1);
    put(b, cached, strlen(cached));
    put(b, frac, 8);
    put(b, "\"", 1);
}

static void put_key(sbuf *b, const char *name, size_t len)
{
    put(b, ",\"", 2);
    put(b, name, len);
    put(b, "\":", 2);
}

/* The field names are literals (the "" makes anything else a compile error): their
 * lengths come from sizeof, not from strlen per record. */
#define field_str(b, name, value) field_str_n(b, "" name, sizeof("" name) - 1, value)
#define field_int(b, name, value) field_int_n(b, "" name, sizeof("" name) - 1, value)

static void field_str_n(sbuf *b, const char *name, size_t len, const char *value)
{
    if (!value)
        return;
    put_key(b, name, len);
    put_string(b, value);
}

/* Integers without printf: this runs a dozen times per record, several of them on
 * 16-digit microsecond times, so two digits per division. */
static void put_int(sbuf *b, int64_t v)
{
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char tmp[24];
    int i = sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        tmp[--i] = pairs[d + 1];
        tmp[--i] = pairs[d];
    }
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    put(b, tmp + i, sizeof tmp - (size_t)i);
}

static void field_int_n(sbuf *b, const char *name, size_t len, int64_t value)
{
    if (value == SF_ABSENT)
        return;
    put_key(b, name, len);
    put_int(b, value);
}

static void field_flags(sbuf *b, uint32_t flags)
{
    put(b, ",\"securaflow.flags\":[", 21);
    int first = 1;
    for (unsigned i = 0; i < SF_FLAG_COUNT; i++)
        if (flags & (1u << i)) {
            if (!first)
                put(b, ",", 1);
            put_string(b, sf_record_flag_name(i));
            first = 0;
        }
    put(b, "]", 1);
}

size_t sf_jsonl_format(const sf_record *rec, const sf_txn_times *t, char *buf, size_t size)
{
    sbuf b = {buf, 0, size};
    pthread_once(&plain_once, plain_init);
    put(&b, "{\"@timestamp\":", 14);
    put_time(&b, rec->timestamp_us);
    field_str(&b, "source.ip", rec->client_ip);
    field_int(&b, "source.port", rec->client_port);
    field_str(&b, "destination.ip", rec->server_ip);
    field_int(&b, "destination.port", rec->server_port);
    field_str(&b, "client.ip", rec->ip_address);
    if (rec->method[0])
        field_str(&b, "http.request.method", rec->method);
    field_str(&b, "url.original", rec->endpoint);
    field_str(&b, "url.path", rec->path);
    field_str(&b, "url.query", rec->query);
    field_str(&b, "url.domain", rec->host);
    field_str(&b, "http.version", rec->http_version);
    if (rec->status_code)
        field_int(&b, "http.response.status_code", rec->status_code);
    field_int(&b, "http.request.bytes", rec->request_size_bytes);
    field_int(&b, "http.request.body.bytes", rec->req_body_bytes);
    field_int(&b, "http.response.bytes", rec->response_size_bytes);
    field_int(&b, "http.response.body.bytes", rec->resp_body_bytes);
    field_str(&b, "http.response.mime_type", rec->content_type);
    field_str(&b, "user_agent.original", rec->user_agent);
    if (rec->duration_us != SF_ABSENT)
        field_int(&b, "event.duration", rec->duration_us * 1000);
    field_int(&b, "securaflow.ttfb_us", rec->ttfb_us);
    field_str(&b, "securaflow.x_forwarded_for", rec->x_forwarded_for);
    if (t) {
        if (t->req_last_us)
            field_int(&b, "securaflow.request_end_us", t->req_last_us);
        if (t->resp_first_us)
            field_int(&b, "securaflow.response_start_us", t->resp_first_us);
        if (t->resp_last_us)
            field_int(&b, "securaflow.response_end_us", t->resp_last_us);
    }
    field_flags(&b, rec->flags);
    put(&b, "}\n", 2);
    if (b.len < size)
        buf[b.len] = '\0';
    return b.len;
}

sf_jsonl *sf_jsonl_open(const char *path)
{
    sf_jsonl *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    if (strcmp(path, "-") == 0) {
        o->out = stdout;
    } else {
        o->out = fopen(path, "w");
        o->owned = 1;
    }
    if (!o->out) {
        free(o);
        return NULL;
    }
    pthread_mutex_init(&o->lock, NULL);
    return o;
}

void sf_jsonl_write(sf_jsonl *o, const sf_record *rec, const sf_txn_times *times)
{
    char stack[4096];
    char *buf = stack;
    size_t n = sf_jsonl_format(rec, times, stack, sizeof stack);
    if (n >= sizeof stack) {
        buf = malloc(n + 1);
        if (!buf)
            return;
        sf_jsonl_format(rec, times, buf, n + 1);
    }
    pthread_mutex_lock(&o->lock);
    fwrite(buf, 1, n, o->out);
    pthread_mutex_unlock(&o->lock);
    if (buf != stack)
        free(buf);
}

void sf_jsonl_close(sf_jsonl *o)
{
    if (!o)
        return;
    fflush(o->out);
    if (o->owned)
        fclose(o->out);
    pthread_mutex_destroy(&o->lock);
    free(o);
}
