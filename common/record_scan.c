/* One-pass record JSON scanner (see record_scan.h). Strings are decoded into one scratch
 * buffer that is reused for every record; a failure of any kind is "fall back", so this
 * file never has to word an error message. */
#include "common/record_scan.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/record_fields.h"

#define FALLBACK SF_SCAN_FALLBACK
#define NUMBER_TEXT_MAX 64
#define INTEGER_DIGITS_MAX 18 /* always fits in int64_t; longer ones go to Jansson */

typedef struct scanner {
    const unsigned char *p, *end;
    char *scratch;   /* decoded strings of the current record, NUL-terminated */
    size_t used, cap;
} scanner;

static void skip_ws(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

/* Skips whitespace, then consumes c if it is next. */
static int accept(scanner *s, unsigned char c)
{
    skip_ws(s);
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return 1;
    }
    return 0;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end)
{
    size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
    if (p[0] < 0xC2 || p[0] > 0xF4 || (size_t)(end - p) < n)
        return 0;
    uint32_t cp = p[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

static int unescape(unsigned char c, char *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = c ? strchr(from, c) : NULL;
    if (!hit)
        return -1; /* \u and anything unknown: Jansson's business */
    *out = to[hit - from];
    return 0;
}

/* A string at s->p (the opening quote) into scratch; text and len name the decoded copy. */
static int scan_string(scanner *s, const char **text, size_t *len)
{
    s->p++;
    char *out = s->scratch + s->used, *start = out;
    /* Decoded text is never longer than its source, and the scratch holds the whole body. */
    while (s->p < s->end) {
        unsigned char c = *s->p;
        if (c == '"') {
            s->p++;
            *out = '\0';
            *text = start;
            *len = (size_t)(out - start);
            s->used += *len + 1;
            return 0;
        }
        if (c < 0x20)
            return FALLBACK;
        if (c == '\\') {
            if (s->end - s->p < 2 || unescape(s->p[1], out))
                return FALLBACK;
            out++;
            s->p += 2;
        } else if (c < 0x80) {
            *out++ = (char)c;
            s->p++;
        } else {
            size_t n = utf8_sequence(s->p, s->end);
            if (!n)
                return FALLBACK;
            memcpy(out, s->p, n);
            out += n;
            s->p += n;
        }
    }
    return FALLBACK;
}

static int is_digit(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

static const unsigned char *skip_digits(const unsigned char *p, const unsigned char *end)
{
    while (is_digit(p, end))
        p++;
    return p;
}

/* A JSON number (RFC 8259 grammar). Integers as Jansson reads them (no fraction, no
 * exponent) become INTEGER; the rest REAL through strtod, as Jansson does. */
static int scan_number(scanner *s, sf_field_value *v)
{
    const unsigned char *p = s->p, *end = s->end, *digits;
    int negative = p < end && *p == '-';
    p += negative;
    digits = p;
    if (!is_digit(p, end))
        return FALLBACK;
    p = *p == '0' ? p + 1 : skip_digits(p, end);
    size_t n_digits = (size_t)(p - digits);
    int is_real = 0;
    if (p < end && *p == '.') {
        if (!is_digit(++p, end))
            return FALLBACK;
        p = skip_digits(p, end);
        is_real = 1;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        p += p < end && (*p == '+' || *p == '-');
        if (!is_digit(p, end))
            return FALLBACK;
        p = skip_digits(p, end);
        is_real = 1;
    }
    if (!is_real) {
        if (n_digits > INTEGER_DIGITS_MAX)
            return FALLBACK;
        int64_t n = 0;
        for (const unsigned char *d = digits; d < p; d++)
            n = n * 10 + (*d - '0');
        v->kind = SF_FIELD_INTEGER;
        v->integer = negative ? -n : n;
        v->real = (double)v->integer;
    } else {
        char copy[NUMBER_TEXT_MAX + 1];
        size_t n = (size_t)(p - s->p);
        if (n > NUMBER_TEXT_MAX)
            return FALLBACK;
        memcpy(copy, s->p, n);
        copy[n] = '\0';
        errno = 0;
        v->real = strtod(copy, NULL);
        if (errno == ERANGE || !isfinite(v->real))
            return FALLBACK;
        v->kind = SF_FIELD_REAL;
    }
    s->p = p;
    return 0;
}

static int scan_literal(scanner *s, const char *word, sf_field_kind kind, sf_field_value *v)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return FALLBACK;
    s->p += n;
    v->kind = kind;
    return 0;
}

/* A list of strings (what "flags" is); any other item falls back. */
static int scan_string_list(scanner *s, sf_field_value *v)
{
    s->p++;
    v->kind = SF_FIELD_ARRAY;
    v->n_items = 0;
    if (accept(s, ']'))
        return 0;
    do {
        const char *text;
        size_t len;
        skip_ws(s);
        if (s->p >= s->end || *s->p != '"' || scan_string(s, &text, &len))
            return FALLBACK;
        if (v->n_items < SF_FIELD_ARRAY_MAX)
            v->item_text[v->n_items] = text;
        v->n_items++;
    } while (accept(s, ','));
    return accept(s, ']') ? 0 : FALLBACK;
}

static int scan_value(scanner *s, sf_field_value *v)
{
    skip_ws(s);
    if (s->p >= s->end)
        return FALLBACK;
    switch (*s->p) {
    case '"':
        v->kind = SF_FIELD_STRING;
        return scan_string(s, &v->text, &v->len);
    case '[':
        return scan_string_list(s, v);
    case 't':
        return scan_literal(s, "true", SF_FIELD_OTHER, v);
    case 'f':
        return scan_literal(s, "false", SF_FIELD_OTHER, v);
    case 'n':
        return scan_literal(s, "null", SF_FIELD_ABSENT, v);
    default:
        return scan_number(s, v); /* objects and stray bytes fail its grammar */
    }
}

/* An object key made only of plain ASCII (what known keys are); else fall back. */
static int scan_key(scanner *s, const char **key, size_t *len)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p != '"')
        return FALLBACK;
    const unsigned char *start = ++s->p;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\' || *s->p < 0x20 || *s->p >= 0x80)
            return FALLBACK;
        s->p++;
    }
    if (s->p >= s->end)
        return FALLBACK;
    *key = (const char *)start;
    *len = (size_t)(s->p++ - start);
    return accept(s, ':') ? 0 : FALLBACK;
}

/* One record object at s->p into fields (every key known, none twice). */
static int scan_record(scanner *s, sf_record_fields *f)
{
    uint32_t seen = 0;
    s->used = 0;
    for (int k = 0; k < SF_KEY_COUNT; k++)
        f->v[k].kind = SF_FIELD_ABSENT;
    if (!accept(s, '{'))
        return FALLBACK;
    if (accept(s, '}'))
        return 0;
    do {
        const char *key;
        size_t len;
        if (scan_key(s, &key, &len))
            return FALLBACK;
        int k = sf_record_key_find(key, len);
        if (k < 0 || (seen & (1u << k)))
            return FALLBACK;
        seen |= 1u << k;
        if (scan_value(s, &f->v[k]))
            return FALLBACK;
    } while (accept(s, ','));
    return accept(s, '}') ? 0 : FALLBACK;
}

static int scanner_open(scanner *s, const char *text, size_t len)
{
    s->p = (const unsigned char *)text;
    s->end = s->p + len;
    s->used = 0;
    s->cap = len + 1;
    s->scratch = malloc(s->cap);
    return s->scratch ? 0 : -1;
}

/* After the top-level value only whitespace may follow. */
static int at_end(scanner *s)
{
    skip_ws(s);
    return s->p == s->end;
}

int sf_record_scan_one(const char *text, size_t len, sf_record *rec, int *valid,
                       sf_field_errors *errs)
{
    scanner s;
    sf_record_fields f;
    sf_record_init(rec);
    if (scanner_open(&s, text, len))
        return -1;
    int rc = scan_record(&s, &f) || !at_end(&s) ? FALLBACK : 0;
    if (rc == 0)
        *valid = sf_record_from_fields(&f, rec, errs) == 0;
    free(s.scratch);
    return rc;
}

/* sensor_id or batch_id: 1-256 characters without NUL (else Jansson words the error). */
static int scan_id(scanner *s, char *out, size_t size)
{
    const char *text;
    size_t len;
    skip_ws(s);
    if (s->p >= s->end || *s->p != '"' || scan_string(s, &text, &len))
        return FALLBACK;
    if (len < 1 || len >= size || memchr(text, '\0', len))
        return FALLBACK;
    memcpy(out, text, len + 1);
    return 0;
}

static int scan_records(scanner *s, sf_batch_scan *scan)
{
    sf_record_fields f;
    size_t index = 0;
    if (!accept(s, '['))
        return FALLBACK;
    if (accept(s, ']'))
        return 0;
    do {
        if (index >= scan->max_records || scan_record(s, &f))
            return FALLBACK;
        sf_record rec;
        sf_field_errors errs = {0};
        int valid = sf_record_from_fields(&f, &rec, &errs) == 0;
        if (scan->on_record(scan->arg, index++, &rec, valid, &errs))
            return -1;
    } while (accept(s, ','));
    return accept(s, ']') ? 0 : FALLBACK;
}

enum { HAVE_SENSOR = 1, HAVE_BATCH = 2, HAVE_RECORDS = 4 };

static int scan_batch_member(scanner *s, sf_batch_scan *scan, unsigned *have)
{
    const char *key;
    size_t len;
    if (scan_key(s, &key, &len))
        return FALLBACK;
    unsigned which = len == 9 && !memcmp(key, "sensor_id", 9)  ? HAVE_SENSOR
                     : len == 8 && !memcmp(key, "batch_id", 8) ? HAVE_BATCH
                     : len == 7 && !memcmp(key, "records", 7)  ? HAVE_RECORDS
                                                               : 0;
    if (!which || (*have & which))
        return FALLBACK;
    *have |= which;
    if (which == HAVE_SENSOR)
        return scan_id(s, scan->sensor_id, sizeof scan->sensor_id);
    if (which == HAVE_BATCH)
        return scan_id(s, scan->batch_id, sizeof scan->batch_id);
    return scan_records(s, scan);
}

int sf_record_scan_batch(const char *text, size_t len, sf_batch_scan *scan)
{
    scanner s;
    unsigned have = 0;
    if (scanner_open(&s, text, len))
        return -1;
    int rc = accept(&s, '{') ? 0 : FALLBACK;
    if (rc == 0 && !accept(&s, '}')) {
        do
            rc = scan_batch_member(&s, scan, &have);
        while (rc == 0 && accept(&s, ','));
        if (rc == 0 && !accept(&s, '}'))
            rc = FALLBACK;
    }
    if (rc == 0 && (have != (HAVE_SENSOR | HAVE_BATCH | HAVE_RECORDS) || !at_end(&s)))
        rc = FALLBACK;
    free(s.scratch);
    return rc;
}
