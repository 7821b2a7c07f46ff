/* COPY text-format buffer (see copy_buffer.h). */
#include "collector/copy_buffer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time_util.h"

int sf_copy_reserve(sf_copy_buffer *b, size_t more)
{
    if (b->failed)
        return -1;
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) {
        b->failed = 1;
        return -1;
    }
    b->data = grown;
    b->cap = cap;
    return 0;
}

void sf_copy_reset(sf_copy_buffer *b)
{
    b->len = 0;
    b->failed = 0;
    b->row_started = 0;
}

void sf_copy_free(sf_copy_buffer *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void separator(sf_copy_buffer *b)
{
    if (b->row_started && sf_copy_reserve(b, 1) == 0)
        b->data[b->len++] = '\t';
    b->row_started = 1;
}

void sf_copy_raw(sf_copy_buffer *b, const char *s, size_t n)
{
    separator(b);
    if (sf_copy_reserve(b, n) == 0) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
    }
}

void sf_copy_text(sf_copy_buffer *b, const char *s)
{
    if (!s) {
        sf_copy_raw(b, "\\N", 2);
        return;
    }
    separator(b);
    size_t n = strlen(s);
    if (sf_copy_reserve(b, n * 2) != 0)
        return;
    char *o = b->data + b->len;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (c) {
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        default: *o++ = c;
        }
    }
    b->len = (size_t)(o - b->data);
}

/* Decimal digits of v, written backwards from end; returns the first character. */
static char *format_int(int64_t v, char *end)
{
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char *p = end;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return p;
}

/* Integers and times are most of a row: formatted by hand, not by snprintf. */
void sf_copy_int(sf_copy_buffer *b, int64_t v)
{
    char tmp[24];
    char *start = format_int(v, tmp + sizeof tmp);
    sf_copy_raw(b, start, (size_t)(tmp + sizeof tmp - start));
}

void sf_copy_int_or_null(sf_copy_buffer *b, int64_t v, int64_t null_value)
{
    if (v == null_value)
        sf_copy_raw(b, "\\N", 2);
    else
        sf_copy_int(b, v);
}

void sf_copy_double(sf_copy_buffer *b, double v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%.17g", v);
    sf_copy_raw(b, tmp, (size_t)n);
}

void sf_copy_bool(sf_copy_buffer *b, int v) { sf_copy_raw(b, v ? "t" : "f", 1); }

/* Rows of a group share few distinct seconds: the "YYYY-MM-DDTHH:MM:SS." part of the last
 * one is kept per thread, only the microseconds are formatted each time. */
void sf_copy_time(sf_copy_buffer *b, int64_t unix_us)
{
    static _Thread_local int64_t cached_sec = INT64_MIN;
    static _Thread_local char prefix[SF_RFC3339_LEN];
    static _Thread_local size_t prefix_len;
    int64_t sec = unix_us / 1000000, frac = unix_us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        sec -= 1;
    }
    if (sec != cached_sec) {
        sf_time_format(sec * 1000000, prefix, sizeof prefix);
        prefix_len = strlen(prefix) - 7; /* up to the '.', without "000000Z" */
        cached_sec = sec;
    }
    char tmp[SF_RFC3339_LEN + 8];
    memcpy(tmp, prefix, prefix_len);
    for (int i = 5; i >= 0; i--, frac /= 10)
        tmp[prefix_len + (size_t)i] = (char)('0' + frac % 10);
    tmp[prefix_len + 6] = 'Z';
    sf_copy_raw(b, tmp, prefix_len + 7);
}

void sf_copy_end_row(sf_copy_buffer *b)
{
    if (sf_copy_reserve(b, 1) == 0)
        b->data[b->len++] = '\n';
    b->row_started = 0;
}
