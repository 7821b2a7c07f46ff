/* The read API's answer cache (see api_cache.h): a few slots within a byte bound, the
 * oldest stored entries dropped first, and the single flights of queries under way.
 *
 * Why oldest stored rather than least recently used: an entry only answers for one data
 * generation, which moves every time the writer commits, so under ingest an entry stored
 * earlier is nearly always one no request can reach any more, however often it was hit
 * before; and stored order needs no bookkeeping on the hit path. An answer that is still
 * wanted is stored again (newest) by the next query for it. */
#include "collector/api_cache.h"

#include <event2/buffer.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "collector/app.h"
#include "collector/http_server.h"
#include "common/time_util.h"

#define SLOTS 64
/* The generation only counts this collector's writes: what other collectors sharing the
 * database write, and what retention deletes, shows after at most this long. */
#define MAX_AGE_US (10LL * 1000000)
#define GZIP_MIN 2048 /* smaller answers are sent as they are */

/* One answer: its text and, when large, its gzip form. */
typedef struct answer {
    char *text, *gz;
    size_t len, gz_len;
} answer;

typedef struct slot {
    char key[SF_API_CACHE_KEY_MAX];
    uint64_t generation;
    int64_t stored_us;
    answer a;
} slot;

/* A query under way, the requests waiting for its answer, and that answer once the query
 * stored it (until the flight lands). */
typedef struct flight {
    char key[SF_API_CACHE_KEY_MAX];
    uint64_t generation;
    struct sf_request **waiting;
    size_t n, cap;
    answer a;
    bool declined; /* too big to keep, and no one was waiting: later askers run their own */
    struct flight *next;
} flight;

/* Where an answer is looked up. */
typedef enum { IN_CACHE, IN_CACHE_OLD_TOO, IN_FLIGHT } where;

/* All below under the lock. Flights are created, waited on and ended on the loop thread;
 * queries on pool threads hand their answers to them. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static flight *flights;
static slot slots[SLOTS];
static size_t held, limit = SF_API_CACHE_BYTES_DEFAULT;
static uint64_t evictions; /* entries dropped to make room (under lock) */
static atomic_uint_fast64_t api_changes;

uint64_t sf_api_data_generation(struct sf_app *app)
{
    sf_db_writer_stats ws;
    sf_db_writer_get_stats(app->writer, &ws);
    return ws.records_written + ws.groups_written + atomic_load(&api_changes);
}

void sf_api_data_changed(void) { atomic_fetch_add(&api_changes, 1); }

/* Bytes an answer takes: what copy_of and gzip_of allocated. */
static size_t answer_bytes(const answer *a) { return a->text ? a->len + 1 + a->gz_len : 0; }

static void answer_free(answer *a)
{
    free(a->text);
    free(a->gz);
    *a = (answer){0};
}

/* Whether an answer of this many bytes may be kept at all. */
static bool small_enough(size_t bytes) { return bytes <= limit / 4; }

/* The slot for (key, generation), or NULL; an old one only if allowed. */
static slot *find_slot(const char *key, uint64_t generation, bool old_too)
{
    int64_t now = sf_monotonic_us();
    for (int i = 0; key[0] && i < SLOTS; i++) {
        slot *s = &slots[i];
        if (s->a.text && s->generation == generation &&
            (old_too || now - s->stored_us <= MAX_AGE_US) && strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

static flight *find_flight(const char *key, uint64_t generation)
{
    flight *f = flights;
    while (f && !(f->generation == generation && strcmp(f->key, key) == 0))
        f = f->next;
    return f;
}

/* The answer stored for (key, generation) in the given place, or NULL. */
static const answer *answer_at(const char *key, uint64_t generation, where w)
{
    if (w == IN_FLIGHT) {
        flight *f = find_flight(key, generation);
        return f && f->a.text ? &f->a : NULL;
    }
    slot *s = find_slot(key, generation, w == IN_CACHE_OLD_TOO);
    return s ? &s->a : NULL;
}

static char *copy_of(const char *data, size_t len)
{
    char *c = malloc(len + 1);
    if (c) {
        memcpy(c, data, len);
        c[len] = '\0';
    }
    return c;
}

char *sf_api_cache_get(const char *key, uint64_t generation, size_t *len)
{
    pthread_mutex_lock(&lock);
    slot *s = find_slot(key, generation, false);
    char *copy = s ? copy_of(s->a.text, s->a.len) : NULL;
    if (copy)
        *len = s->a.len;
    pthread_mutex_unlock(&lock);
    return copy;
}

static void empty_slot(slot *s)
{
    held -= answer_bytes(&s->a);
    answer_free(&s->a);
}

/* The slot stored longest ago (an empty one only when all are). */
static slot *oldest_slot(void)
{
    slot *oldest = NULL;
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].a.text && (!oldest || slots[i].stored_us < oldest->stored_us))
            oldest = &slots[i];
    return oldest ? oldest : &slots[0];
}

static slot *free_slot(void)
{
    for (int i = 0; i < SLOTS; i++)
        if (!slots[i].a.text)
            return &slots[i];
    return NULL;
}

/* Keeps a (taking it) under (key, generation) if it is small enough, after dropping the
 * key's older entry and then the oldest entries until it fits; else frees it. */
static void keep(const char *key, uint64_t generation, answer *a)
{
    size_t bytes = answer_bytes(a);
    if (!a->text || !small_enough(bytes)) {
        answer_free(a);
        return;
    }
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].a.text && strcmp(slots[i].key, key) == 0)
            empty_slot(&slots[i]);
    slot *s = NULL;
    while (held + bytes > limit || !(s = free_slot())) {
        empty_slot(oldest_slot());
        evictions++;
    }
    strcpy(s->key, key);
    s->generation = generation;
    s->stored_us = sf_monotonic_us();
    s->a = *a;
    *a = (answer){0};
    held += bytes;
}

void sf_api_cache_set_limit(size_t bytes)
{
    pthread_mutex_lock(&lock);
    limit = bytes;
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].a.text && !small_enough(answer_bytes(&slots[i].a)))
            empty_slot(&slots[i]);
    while (held > limit)
        empty_slot(oldest_slot());
    pthread_mutex_unlock(&lock);
}

uint64_t sf_api_cache_evictions(void)
{
    pthread_mutex_lock(&lock);
    uint64_t n = evictions;
    pthread_mutex_unlock(&lock);
    return n;
}

size_t sf_api_cache_held(void)
{
    pthread_mutex_lock(&lock);
    size_t n = held;
    pthread_mutex_unlock(&lock);
    return n;
}

/* gzip of text (fast level: it is made once per generation, sent many times), in a buffer
 * of its own size. */
static char *gzip_of(const char *text, size_t len, size_t *out_len)
{
    z_stream z = {0};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)len);
    char *out = malloc(cap);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = out ? deflate(&z, Z_FINISH) : Z_MEM_ERROR;
    *out_len = z.total_out;
    deflateEnd(&z);
    char *fitted = rc == Z_STREAM_END ? realloc(out, *out_len ? *out_len : 1) : NULL;
    if (!fitted) {
        free(out);
        *out_len = 0;
    }
    return fitted;
}

/* The flight of (key, generation) that has no answer yet and may take one, or NULL. */
static flight *flight_taking(const char *key, uint64_t generation)
{
    flight *f = find_flight(key, generation);
    return f && !f->a.text && !f->declined ? f : NULL;
}

/* Whether put should copy the answer: to keep it, or for a flight with waiters. A flight
 * that would only hold it for askers yet to come declines it. */
static bool wanted(const char *key, uint64_t generation, size_t len)
{
    pthread_mutex_lock(&lock);
    flight *f = flight_taking(key, generation);
    bool want = small_enough(len + 1) || (f && f->n > 0);
    if (f && !want)
        f->declined = true;
    pthread_mutex_unlock(&lock);
    return want;
}

void sf_api_cache_put(const char *key, uint64_t generation, const char *text, size_t len)
{
    if (!key[0] || strlen(key) >= SF_API_CACHE_KEY_MAX || !wanted(key, generation, len))
        return;
    answer a = {copy_of(text, len), NULL, len, 0};
    if (!a.text)
        return;
    if (len >= GZIP_MIN)
        a.gz = gzip_of(text, len, &a.gz_len);
    pthread_mutex_lock(&lock);
    flight *f = flight_taking(key, generation);
    if (f) {
        f->a = a; /* kept, if it fits, when the flight lands */
        a = (answer){0};
    } else {
        keep(key, generation, &a);
    }
    pthread_mutex_unlock(&lock);
    answer_free(&a);
}

static bool accepts_gzip(struct sf_request *r)
{
    const char *h = r->req ? evhttp_find_header(evhttp_request_get_input_headers(r->req),
                                                "Accept-Encoding") : NULL;
    return h && strstr(h, "gzip");
}

/* Answers r with the answer for (key, generation) found in w, if there is one. The stored
 * text, or its stored gzip form, is copied once, straight into the reply's buffer. */
static bool reply_from(struct sf_request *r, const char *key, uint64_t generation, where w)
{
    bool gzip = accepts_gzip(r);
    struct evbuffer *body = evbuffer_new();
    if (!body)
        return false;
    pthread_mutex_lock(&lock);
    const answer *a = answer_at(key, generation, w);
    bool use_gz = a && gzip && a->gz;
    size_t len = !a ? 0 : use_gz ? a->gz_len : a->len;
    bool found = a && evbuffer_add(body, use_gz ? a->gz : a->text, len) == 0;
    pthread_mutex_unlock(&lock);
    if (found) {
        sf_reply_add_header(r, "Vary", "Accept-Encoding");
        if (use_gz)
            sf_reply_add_header(r, "Content-Encoding", "gzip");
        sf_reply_buffer(r, 200, "application/json", body);
    }
    evbuffer_free(body);
    return found;
}

bool sf_api_cache_reply(struct sf_request *r, const char *key, uint64_t generation)
{
    return reply_from(r, key, generation, IN_CACHE);
}

/* A new flight for (key, generation), whose query the caller runs. */
static void take_off(const char *key, uint64_t generation)
{
    flight *f = calloc(1, sizeof *f);
    if (f) {
        snprintf(f->key, sizeof f->key, "%s", key);
        f->generation = generation;
        f->next = flights;
        flights = f;
    }
}

/* Queues r on f; false (the caller runs its own query then) without the memory. */
static bool queue_on(flight *f, struct sf_request *r)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct sf_request **w = realloc(f->waiting, cap * sizeof *w);
        if (!w)
            return false;
        f->waiting = w;
        f->cap = cap;
    }
    f->waiting[f->n++] = r;
    return true;
}

bool sf_api_cache_wait(struct sf_request *r, const char *key, uint64_t generation)
{
    if (!key[0])
        return false;
    pthread_mutex_lock(&lock);
    flight *f = find_flight(key, generation);
    if (!f)
        take_off(key, generation);
    pthread_mutex_unlock(&lock);
    if (!f)
        return false;
    /* The query may have stored its answer already; else, same generation, only older
     * than MAX_AGE: while it is being refreshed, the old answer is good enough for
     * everyone but the one who asked first. */
    if (reply_from(r, key, generation, IN_FLIGHT) || reply_from(r, key, generation, IN_CACHE_OLD_TOO))
        return true;
    /* f stays: flights land on this thread. Its answer may have come meanwhile. */
    pthread_mutex_lock(&lock);
    bool answered = f->a.text != NULL;
    bool queued = !answered && !f->declined && queue_on(f, r);
    pthread_mutex_unlock(&lock);
    return queued || (answered && reply_from(r, key, generation, IN_FLIGHT));
}

void sf_api_cache_landed(const char *key, uint64_t generation)
{
    pthread_mutex_lock(&lock);
    flight **link = &flights;
    while (*link && !((*link)->generation == generation && strcmp((*link)->key, key) == 0))
        link = &(*link)->next;
    flight *f = *link;
    pthread_mutex_unlock(&lock);
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        if (reply_from(f->waiting[i], key, generation, IN_FLIGHT) ||
            reply_from(f->waiting[i], key, generation, IN_CACHE))
            continue;
        sf_reply_add_header(f->waiting[i], "Retry-After", "1");
        sf_reply_error(f->waiting[i], 503, "Database unavailable");
    }
    pthread_mutex_lock(&lock);
    for (link = &flights; *link != f; link = &(*link)->next)
        ;
    *link = f->next;
    keep(key, generation, &f->a);
    pthread_mutex_unlock(&lock);
    free(f->waiting);
    free(f);
}
