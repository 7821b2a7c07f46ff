/* The read API's answer cache (see api_cache.h): a few slots, least recently stored
 * replaced first. */
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
#define MAX_TEXT (64u << 20) /* answers larger than this are not kept */
#define GZIP_MIN 2048        /* smaller answers are sent as they are */

typedef struct slot {
    char key[SF_API_CACHE_KEY_MAX];
    uint64_t generation;
    int64_t stored_us;
    char *text, *gz;
    size_t len, gz_len;
} slot;

/* A query under way and the requests waiting for its answer (loop thread only). */
typedef struct flight {
    char key[SF_API_CACHE_KEY_MAX];
    uint64_t generation;
    struct sf_request **waiting;
    size_t n, cap;
    struct flight *next;
} flight;

static flight *flights;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot slots[SLOTS];
static atomic_uint_fast64_t api_changes;

uint64_t sf_api_data_generation(struct sf_app *app)
{
    sf_db_writer_stats ws;
    sf_db_writer_get_stats(app->writer, &ws);
    return ws.records_written + ws.groups_written + atomic_load(&api_changes);
}

void sf_api_data_changed(void) { atomic_fetch_add(&api_changes, 1); }

/* The slot for (key, generation), or NULL; an old one only if allowed. Called with the
 * lock held. */
static slot *find_slot(const char *key, uint64_t generation, bool old_too)
{
    int64_t now = sf_monotonic_us();
    for (int i = 0; key[0] && i < SLOTS; i++) {
        slot *s = &slots[i];
        if (s->text && s->generation == generation && (old_too || now - s->stored_us <= MAX_AGE_US) &&
            strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

static slot *find(const char *key, uint64_t generation) { return find_slot(key, generation, false); }

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
    slot *s = find(key, generation);
    char *copy = s ? copy_of(s->text, s->len) : NULL;
    if (copy)
        *len = s->len;
    pthread_mutex_unlock(&lock);
    return copy;
}

/* The slot holding key, else an empty one, else the oldest. Called with the lock held. */
static int pick_slot(const char *key)
{
    int oldest = 0;
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].text && strcmp(slots[i].key, key) == 0)
            return i;
    for (int i = 0; i < SLOTS; i++) {
        if (!slots[i].text)
            return i;
        if (slots[i].stored_us < slots[oldest].stored_us)
            oldest = i;
    }
    return oldest;
}

/* gzip of text (fast level: it is made once per generation, sent many times). */
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
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

void sf_api_cache_put(const char *key, uint64_t generation, const char *text, size_t len)
{
    if (!key[0] || strlen(key) >= SF_API_CACHE_KEY_MAX || len > MAX_TEXT)
        return;
    char *copy = copy_of(text, len);
    size_t gz_len = 0;
    char *gz = copy && len >= GZIP_MIN ? gzip_of(text, len, &gz_len) : NULL;
    if (!copy)
        return;
    pthread_mutex_lock(&lock);
    slot *s = &slots[pick_slot(key)];
    free(s->text);
    free(s->gz);
    strcpy(s->key, key);
    s->generation = generation;
    s->stored_us = sf_monotonic_us();
    s->text = copy;
    s->len = len;
    s->gz = gz;
    s->gz_len = gz_len;
    pthread_mutex_unlock(&lock);
}

static bool accepts_gzip(struct sf_request *r)
{
    const char *h = r->req ? evhttp_find_header(evhttp_request_get_input_headers(r->req),
                                                "Accept-Encoding") : NULL;
    return h && strstr(h, "gzip");
}

/* Answers r from the slot for (key, generation), old ones too when allowed. The stored
 * text, or its stored gzip form, is copied once, straight into the reply's buffer. */
static bool reply_from(struct sf_request *r, const char *key, uint64_t generation, bool old_too)
{
    bool gzip = accepts_gzip(r);
    struct evbuffer *body = evbuffer_new();
    if (!body)
        return false;
    pthread_mutex_lock(&lock);
    slot *s = find_slot(key, generation, old_too);
    bool use_gz = s && gzip && s->gz;
    size_t len = !s ? 0 : use_gz ? s->gz_len : s->len;
    bool found = s && evbuffer_add(body, use_gz ? s->gz : s->text, len) == 0;
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
    return reply_from(r, key, generation, false);
}

bool sf_api_cache_wait(struct sf_request *r, const char *key, uint64_t generation)
{
    if (!key[0])
        return false;
    flight *f = flights;
    while (f && !(f->generation == generation && strcmp(f->key, key) == 0))
        f = f->next;
    /* Same generation, only older than MAX_AGE: while it is being refreshed, the old
     * answer is good enough for everyone but the one who asked first. */
    if (f && reply_from(r, key, generation, true))
        return true;
    if (!f) {
        f = calloc(1, sizeof *f);
        if (f) {
            snprintf(f->key, sizeof f->key, "%s", key);
            f->generation = generation;
            f->next = flights;
            flights = f;
        }
        return false; /* the caller runs the query */
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct sf_request **w = realloc(f->waiting, cap * sizeof *w);
        if (!w)
            return false; /* it runs its own query then */
        f->waiting = w;
        f->cap = cap;
    }
    f->waiting[f->n++] = r;
    return true;
}

void sf_api_cache_landed(const char *key, uint64_t generation)
{
    flight **link = &flights;
    while (*link && !((*link)->generation == generation && strcmp((*link)->key, key) == 0))
        link = &(*link)->next;
    flight *f = *link;
    if (!f)
        return;
    *link = f->next;
    for (size_t i = 0; i < f->n; i++) {
        if (sf_api_cache_reply(f->waiting[i], key, generation))
            continue;
        sf_reply_add_header(f->waiting[i], "Retry-After", "1");
        sf_reply_error(f->waiting[i], 503, "Database unavailable");
    }
    free(f->waiting);
    free(f);
}
