/* The request profile (see request_profile.h): a bounded open-addressing hash table of
 * route and parameter entries, and the walk over a request's parameters. */
#include "model/request_profile.h"
#include "model/features_http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_DECODE_MAX 2048 /* value bytes examined per parameter */

typedef struct key_buf {
    char text[SF_PROFILE_KEY_MAX];
    size_t len;
} key_buf;

static uint64_t hash_key(const char *key, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 0x100000001b3ULL;
    return h;
}

sf_profile *sf_profile_new(void)
{
    sf_profile *p = calloc(1, sizeof *p);
    if (p) {
        p->capacity = 1024;
        p->slots = calloc(p->capacity, sizeof *p->slots);
        if (!p->slots) {
            free(p);
            p = NULL;
        }
    }
    return p;
}

void sf_profile_free(sf_profile *profile)
{
    if (!profile)
        return;
    for (uint32_t i = 0; i < profile->capacity; i++) {
        free(profile->slots[i].key);
        free(profile->slots[i].bytes);
    }
    free(profile->slots);
    free(profile);
}

static uint32_t probe(const sf_profile *p, const char *key, size_t len)
{
    uint32_t mask = p->capacity - 1;
    uint32_t i = (uint32_t)hash_key(key, len) & mask;
    while (p->slots[i].key &&
           (p->slots[i].key_len != len || memcmp(p->slots[i].key, key, len) != 0))
        i = (i + 1) & mask;
    return i;
}

const sf_profile_entry *sf_profile_find(const sf_profile *profile, const char *key,
                                        size_t key_len)
{
    const sf_profile_entry *e = &profile->slots[probe(profile, key, key_len)];
    return e->key ? e : NULL;
}

static int grow(sf_profile *p)
{
    sf_profile bigger = {calloc((size_t)p->capacity * 2, sizeof *p->slots), p->capacity * 2,
                         p->used, p->requests};
    if (!bigger.slots)
        return -1;
    for (uint32_t i = 0; i < p->capacity; i++)
        if (p->slots[i].key)
            bigger.slots[probe(&bigger, p->slots[i].key, p->slots[i].key_len)] = p->slots[i];
    free(p->slots);
    *p = bigger;
    return 0;
}

sf_profile_entry *sf_profile_insert(sf_profile *profile, const char *key, size_t key_len)
{
    if (key_len == 0 || key_len > SF_PROFILE_KEY_MAX)
        return NULL;
    uint32_t i = probe(profile, key, key_len);
    if (profile->slots[i].key)
        return &profile->slots[i];
    if (profile->used >= SF_PROFILE_MAX_ENTRIES)
        return NULL;
    if (profile->used * 2 >= profile->capacity) {
        if (grow(profile) < 0)
            return NULL;
        i = probe(profile, key, key_len);
    }
    sf_profile_entry *e = &profile->slots[i];
    e->bytes = key[0] == 'a' ? calloc(256, sizeof *e->bytes) : NULL;
    if (!(e->key = malloc(key_len)) || (key[0] == 'a' && !e->bytes)) {
        free(e->key);
        free(e->bytes);
        memset(e, 0, sizeof *e);
        return NULL;
    }
    memcpy(e->key, key, key_len);
    e->key_len = (uint32_t)key_len;
    profile->used++;
    return e;
}

static void key_append(key_buf *k, const char *text, size_t len)
{
    size_t room = sizeof k->text - k->len;
    if (len > room)
        len = room;
    memcpy(k->text + k->len, text, len);
    k->len += len;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

static int long_hex_id(const char *s, size_t n)
{
    if (n < 16)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdefABCDEF-", s[i]))
            return 0;
    return 1;
}

/* "p" + route template of the path: "/users/123/x" -> "/users/{n}/x". */
static void route_key(const char *path, size_t len, key_buf *k)
{
    k->len = 0;
    key_append(k, "p", 1);
    for (size_t i = 0; i < len;) {
        size_t seg = i + (path[i] == '/');
        size_t end = seg;
        while (end < len && path[end] != '/')
            end++;
        key_append(k, path + i, seg - i);
        if (all_digits(path + seg, end - seg))
            key_append(k, "{n}", 3);
        else if (long_hex_id(path + seg, end - seg))
            key_append(k, "{id}", 4);
        else
            key_append(k, path + seg, end - seg);
        i = end;
    }
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 32);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes (and '+' -> ' ') text into out (at most cap bytes); returns the full
 * decoded length. */
static size_t decode(const char *text, size_t len, unsigned char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++, n++) {
        unsigned char c = (unsigned char)text[i];
        int hi, lo;
        if (c == '%' && i + 2 < len && (hi = hex_digit(text[i + 1])) >= 0 &&
            (lo = hex_digit(text[i + 2])) >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (n < cap)
            out[n] = c;
    }
    return n;
}

typedef struct param_walk {
    sf_profile *learn;           /* learning, or */
    const sf_profile *describe;  /* describing */
    key_buf route;
    uint32_t route_count;        /* describing: requests seen on this route */
    float *out;
    sf_profile_detail *detail;   /* describing, optional: the strongest single finding */
    const unsigned char *name;   /* the parameter being described */
    size_t name_len;
    int failed;
} param_walk;

/* log2((total + 2) / (part + 1)): the surprise of something seen part times in total. */
static float rarity(double part, double total)
{
    return (float)log2((total + 2.0) / (part + 1.0));
}

static void learn_param(param_walk *w, sf_profile_entry *e, const unsigned char *value,
                        size_t kept, size_t full)
{
    if (!e) {
        w->failed |= w->learn->used < SF_PROFILE_MAX_ENTRIES;
        return;
    }
    e->count++;
    if (full > e->max_len)
        e->max_len = (uint32_t)(full > UINT32_MAX ? UINT32_MAX : full);
    uint8_t counted[32] = {0};
    for (size_t i = 0; i < kept; i++) {
        unsigned char c = value[i];
        uint8_t bit = (uint8_t)(1u << (c & 7));
        if (!(counted[c >> 3] & bit) && e->bytes[c] < UINT16_MAX)
            e->bytes[c]++;
        counted[c >> 3] |= bit;
    }
}

static void raise_to(float *slot, float value)
{
    if (value > *slot)
        *slot = value;
}

/* Keeps the strongest finding (in bits) for the reason text. */
static void note(param_walk *w, int kind, float bits, int byte, size_t length, size_t longest)
{
    sf_profile_detail *d = w->detail;
    if (!d || bits <= d->bits)
        return;
    d->kind = kind;
    d->bits = bits;
    d->byte = byte;
    d->length = length;
    d->longest = longest;
    snprintf(d->name, sizeof d->name, "%.*s", (int)w->name_len, (const char *)w->name);
}

static void describe_param(param_walk *w, const sf_profile_entry *e,
                           const unsigned char *value, size_t kept, size_t full)
{
    float name_bits = rarity(e ? e->count : 0, w->route_count);
    raise_to(&w->out[SF_PF_NAME_RARITY], name_bits);
    note(w, SF_PF_NAME_RARITY, name_bits, -1, 0, 0);
    if (!e)
        return;
    /* Counts saturate at 65535, so compare against at most that many values. */
    double values = e->count < UINT16_MAX ? e->count : UINT16_MAX;
    for (size_t i = 0; i < kept; i++) {
        float bits = rarity(e->bytes[value[i]], values);
        raise_to(&w->out[SF_PF_BYTE_RARITY], bits);
        note(w, SF_PF_BYTE_RARITY, bits, value[i], 0, 0);
    }
    float ratio = (float)log2(((double)full + 1.0) / ((double)e->max_len + 1.0));
    raise_to(&w->out[SF_PF_LENGTH_RATIO], ratio);
    note(w, SF_PF_LENGTH_RATIO, ratio, -1, full, e->max_len);
}

/* One "name=value" item. */
static void visit_param(param_walk *w, const char *item, size_t len)
{
    const char *eq = memchr(item, '=', len);
    size_t name_len = eq ? (size_t)(eq - item) : len;
    unsigned char name[256], value[VALUE_DECODE_MAX];
    size_t name_full = decode(item, name_len, name, sizeof name);
    size_t value_full = eq ? decode(eq + 1, len - name_len - 1, value, sizeof value) : 0;
    size_t name_kept = name_full < sizeof name ? name_full : sizeof name;
    size_t value_kept = value_full < sizeof value ? value_full : sizeof value;
    key_buf k = w->route;
    w->name = name;
    w->name_len = name_kept;
    key_append(&k, "\x1f", 1);
    k.text[0] = 'a';
    key_append(&k, (const char *)name, name_kept);
    if (w->learn)
        learn_param(w, sf_profile_insert(w->learn, k.text, k.len), value, value_kept,
                    value_full);
    else
        describe_param(w, sf_profile_find(w->describe, k.text, k.len), value, value_kept,
                       value_full);
}

static void walk_params(param_walk *w, const char *text, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == '&') {
            if (i > start)
                visit_param(w, text + start, i - start);
            start = i + 1;
        }
    }
}

/* Sets up the walk's route key and runs it over the query and the body. */
static void walk_request(param_walk *w, const sf_record *rec, const char *body,
                         size_t body_len)
{
    const char *path, *query;
    size_t path_len, query_len;
    sf_request_target(rec, &path, &path_len, &query, &query_len);
    route_key(path, path_len, &w->route);
    walk_params(w, query, query_len);
    if (body)
        walk_params(w, body, body_len);
}

int sf_profile_learn(sf_profile *profile, const sf_record *rec, const char *body,
                     size_t body_len)
{
    param_walk w = {.learn = profile};
    walk_request(&w, rec, body, body_len);
    sf_profile_entry *route = sf_profile_insert(profile, w.route.text, w.route.len);
    if (route)
        route->count++;
    profile->requests++;
    /* A full profile just stops learning; only running out of memory is an error. */
    return (route || profile->used >= SF_PROFILE_MAX_ENTRIES) && !w.failed ? 0 : -1;
}

void sf_profile_features(const sf_profile *profile, const sf_record *rec, const char *body,
                         size_t body_len, float *out)
{
    sf_profile_describe(profile, rec, body, body_len, out, NULL);
}

void sf_profile_describe(const sf_profile *profile, const sf_record *rec, const char *body,
                         size_t body_len, float *out, sf_profile_detail *detail)
{
    param_walk w = {.describe = profile, .out = out, .detail = detail};
    if (detail)
        memset(detail, 0, sizeof *detail);
    const char *path, *query;
    size_t path_len, query_len;
    sf_request_target(rec, &path, &path_len, &query, &query_len);
    route_key(path, path_len, &w.route);
    const sf_profile_entry *route = sf_profile_find(profile, w.route.text, w.route.len);
    w.route_count = route ? route->count : 0;
    out[SF_PF_ROUTE_NOVELTY] = route ? 0.0f : (float)log2((double)profile->requests + 2.0);
    if (detail && !route) {
        detail->kind = SF_PF_ROUTE_NOVELTY;
        detail->bits = out[SF_PF_ROUTE_NOVELTY];
        snprintf(detail->name, sizeof detail->name, "%.*s", (int)(w.route.len - 1),
                 w.route.text + 1);
    }
    out[SF_PF_NAME_RARITY] = 0.0f;
    out[SF_PF_BYTE_RARITY] = 0.0f;
    /* No parameter at all: length ratio of an empty value against nothing. */
    out[SF_PF_LENGTH_RATIO] = -INFINITY;
    walk_params(&w, query, query_len);
    if (body)
        walk_params(&w, body, body_len);
    if (isinf(out[SF_PF_LENGTH_RATIO]))
        out[SF_PF_LENGTH_RATIO] = 0.0f;
    out[SF_PF_SURPRISE] = out[SF_PF_ROUTE_NOVELTY] + out[SF_PF_NAME_RARITY] +
                          out[SF_PF_BYTE_RARITY] +
                          (out[SF_PF_LENGTH_RATIO] > 0 ? out[SF_PF_LENGTH_RATIO] : 0.0f);
}

unsigned sf_profile_half_of(size_t i)
{
    uint64_t z = (uint64_t)i * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (unsigned)((z ^ (z >> 31)) & 1);
}

/* One printable form of a byte for a message: 'x', or \xNN. */
static void byte_text(int byte, char out[8])
{
    if (byte > ' ' && byte < 0x7f)
        snprintf(out, 8, "'%c'", byte);
    else
        snprintf(out, 8, "\\x%02x", byte & 0xff);
}

void sf_profile_detail_text(const sf_profile_detail *d, char *out, size_t out_size)
{
    char b[8];
    switch (d->kind) {
    case SF_PF_ROUTE_NOVELTY:
        snprintf(out, out_size, "route %s never seen in training", d->name);
        break;
    case SF_PF_NAME_RARITY:
        snprintf(out, out_size, "parameter '%s' %s on this route (%.1f bits)", d->name,
                 d->bits >= 8 ? "never or almost never seen" : "rarely seen", d->bits);
        break;
    case SF_PF_BYTE_RARITY:
        byte_text(d->byte, b);
        snprintf(out, out_size, "parameter '%s' contains %s, %s in its values (%.1f bits)",
                 d->name, b, d->bits >= 8 ? "never or almost never seen" : "rare", d->bits);
        break;
    case SF_PF_LENGTH_RATIO:
        snprintf(out, out_size, "parameter '%s' is %zu bytes long, longest seen %zu", d->name,
                 d->length, d->longest);
        break;
    default:
        snprintf(out, out_size, "nothing new compared with training traffic");
    }
}
