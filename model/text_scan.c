/* Character-level statistics of a request part (see text_scan.h). One pass over the raw
 * bytes with a 256-entry histogram for the entropy. */
#include "model/text_scan.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_special(unsigned char c)
{
    return c < 0x20 || c == 0x7f || (c < 0x80 && strchr("'\"<>;(){}[]|`$\\*!^~", c) && c);
}

/* Counts one decoded byte. */
static void count_byte(sf_text_scan *s, unsigned char c, size_t *histogram, int *seen_punct)
{
    histogram[c]++;
    if (s->decoded_len < SF_SCAN_DECODED_MAX)
        s->decoded[s->decoded_len] = (char)(c == 0 ? 1 : c >= 'A' && c <= 'Z' ? c + 32 : c);
    s->decoded_len++;
    if (c >= '0' && c <= '9') {
        s->digits++;
        return;
    }
    if ((c | 32) >= 'a' && (c | 32) <= 'z') {
        s->letters++;
        s->upper += c <= 'Z';
        return;
    }
    s->nonalnum++;
    s->spaces += c == ' ';
    s->nonascii += c >= 0x80;
    s->special += is_special(c);
    s->dots += c == '.';
    if (c > ' ' && c < 0x7f && !seen_punct[c]) {
        seen_punct[c] = 1;
        s->punct_kinds++;
    }
}

static double entropy_of(const size_t *histogram, size_t total)
{
    double h = 0.0;
    for (int i = 0; i < 256 && total > 0; i++) {
        if (histogram[i] == 0)
            continue;
        double p = (double)histogram[i] / (double)total;
        h -= p * log2(p);
    }
    return h;
}

/* Tracks parameter and segment boundaries on raw separators (before decoding, so an
 * encoded '&' stays inside a value). */
typedef struct token_state {
    size_t token_len;
    int in_value;
} token_state;

static void end_token(sf_text_scan *s, token_state *t, enum sf_scan_kind kind)
{
    if (kind == SF_SCAN_PATH) {
        if (t->token_len > 0)
            s->segments++;
        if (t->token_len > s->max_segment_len)
            s->max_segment_len = t->token_len;
    } else if (kind == SF_SCAN_PARAMS) {
        size_t *longest = t->in_value ? &s->max_value_len : &s->max_name_len;
        if (t->token_len > *longest)
            *longest = t->token_len;
    }
    t->token_len = 0;
}

/* Handles a raw separator; returns 1 if c was one. */
static int separator(sf_text_scan *s, token_state *t, char c, enum sf_scan_kind kind)
{
    if (kind == SF_SCAN_PATH && c == '/') {
        end_token(s, t, kind);
        return 1;
    }
    if (kind == SF_SCAN_PARAMS && c == '&') {
        end_token(s, t, kind);
        t->in_value = 0;
        return 1;
    }
    if (kind == SF_SCAN_PARAMS && c == '=' && !t->in_value) {
        end_token(s, t, kind);
        t->in_value = 1;
        s->params++;
        return 1;
    }
    return 0;
}

void sf_text_scan_run(sf_text_scan *s, const char *text, size_t len, enum sf_scan_kind kind)
{
    memset(s, 0, offsetof(sf_text_scan, decoded)); /* a NUL byte is kept as \x01 */
    s->decoded[0] = '\0';
    s->raw_len = len;
    size_t histogram[256] = {0};
    int seen_punct[128] = {0};
    token_state t = {0, 0};
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (separator(s, &t, c, kind))
            continue;
        unsigned char byte = (unsigned char)c;
        int hi, lo;
        if (c == '%' && i + 2 < len && (hi = hex_value(text[i + 1])) >= 0 &&
            (lo = hex_value(text[i + 2])) >= 0) {
            byte = (unsigned char)(hi * 16 + lo);
            s->escapes++;
            i += 2;
        } else if (c == '+' && kind == SF_SCAN_PARAMS) {
            byte = ' ';
        }
        t.token_len++;
        count_byte(s, byte, histogram, seen_punct);
    }
    end_token(s, &t, kind);
    /* A parameter list "a&b" without '=' still has parameters. */
    if (kind == SF_SCAN_PARAMS && s->params == 0 && len > 0)
        s->params = 1;
    size_t kept = s->decoded_len < SF_SCAN_DECODED_MAX ? s->decoded_len : SF_SCAN_DECODED_MAX;
    s->decoded[kept] = '\0';
    s->entropy = entropy_of(histogram, s->decoded_len);
}
