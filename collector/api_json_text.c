/* JSON text in a growing buffer (see api_json_text.h). */
#include "collector/api_json_text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time_util.h"

static bool reserve(sf_text *t, size_t more)
{
    if (t->failed)
        return false;
    if (t->len + more + 1 <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + more + 1)
        cap *= 2;
    char *p = realloc(t->data, cap);
    if (!p) {
        t->failed = true;
        return false;
    }
    t->data = p;
    t->cap = cap;
    return true;
}

void sf_text_append(sf_text *t, const char *s, size_t n)
{
    if (!reserve(t, n))
        return;
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

void sf_text_puts(sf_text *t, const char *s) { sf_text_append(t, s, strlen(s)); }

void sf_text_printf(sf_text *t, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        sf_text_append(t, small, (size_t)n);
        return;
    }
    if (!reserve(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void sf_text_json_string(sf_text *t, const char *s)
{
    if (!s) {
        sf_text_puts(t, "null");
        return;
    }
    sf_text_append(t, "\"", 1);
    for (const char *p = s; *p; p++) {
        /* Runs of plain bytes are copied at once; UTF-8 passes through unchanged. */
        size_t run = strcspn(p, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"
                                "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                                "\x1e\x1f\x7f");
        sf_text_append(t, p, run);
        p += run;
        if (!*p)
            break;
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\')
            sf_text_printf(t, "\\%c", c);
        else
            sf_text_printf(t, "\\u%04x", c);
    }
    sf_text_append(t, "\"", 1);
}

void sf_text_json_double(sf_text *t, double v)
{
    if (!isfinite(v)) {
        sf_text_puts(t, "null");
        return;
    }
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.10g", v);
    sf_text_append(t, buf, (size_t)n);
    if (!strpbrk(buf, ".en"))
        sf_text_append(t, ".0", 2);
}

void sf_text_json_time(sf_text *t, int64_t unix_us)
{
    char buf[SF_RFC3339_LEN];
    sf_text_json_string(t, sf_time_format(unix_us, buf, sizeof buf));
}

char *sf_text_take(sf_text *t)
{
    char *out = t->failed ? NULL : t->data;
    if (t->failed)
        free(t->data);
    if (out == NULL && !t->failed)
        out = calloc(1, 1);
    t->data = NULL;
    t->len = t->cap = 0;
    t->failed = false;
    return out;
}
