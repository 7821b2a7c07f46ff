/* JSON text written directly into a growing buffer, for the large answers of the read
 * API (metrics, endpoints): no tree of objects to build and free, and the text is made
 * on the pool thread that ran the query. Strings are escaped as JSON requires; numbers
 * that are not finite become null. Allocation failure is sticky: sf_text_take gives NULL. */
#ifndef SF_API_JSON_TEXT_H
#define SF_API_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sf_text {
    char *data;
    size_t len, cap;
    bool failed;
} sf_text;

void sf_text_append(sf_text *t, const char *s, size_t n);
void sf_text_puts(sf_text *t, const char *s);
void sf_text_printf(sf_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "..." with escapes, or null when s is NULL. */
void sf_text_json_string(sf_text *t, const char *s);
/* A number that reads back as a float (150.0, not 150); null when not finite. */
void sf_text_json_double(sf_text *t, double v);
/* An RFC 3339 time ("...Z") from Unix µs. */
void sf_text_json_time(sf_text *t, int64_t unix_us);
/* The text (caller frees), or NULL if anything failed; t is emptied either way. */
char *sf_text_take(sf_text *t);

#endif
