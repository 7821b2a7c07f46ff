/* Line-by-line reading of an in-memory text buffer (LF or CRLF), with a line-length cap and
 * line numbers for error messages. Shared by the CSV and raw-HTTP readers. */
#ifndef SF_MODEL_LINE_CURSOR_H
#define SF_MODEL_LINE_CURSOR_H

#include <stddef.h>
#include <string.h>

typedef struct sf_line_cursor {
    const char *text;
    size_t len, pos;
    size_t line_no;  /* number of the line last returned (1-based) */
    size_t max_line;
} sf_line_cursor;

/* Next line without its ending into [*start, *start + *len). Returns 0 at the end of the
 * input, 1 for a line, -1 for a line longer than max_line. */
static inline int sf_line_next(sf_line_cursor *c, const char **start, size_t *len)
{
    if (c->pos >= c->len)
        return 0;
    const char *p = c->text + c->pos;
    const char *nl = memchr(p, '\n', c->len - c->pos);
    size_t n = nl ? (size_t)(nl - p) : c->len - c->pos;
    c->pos += n + (nl ? 1 : 0);
    c->line_no++;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    *start = p;
    *len = n;
    return n > c->max_line ? -1 : 1;
}

#endif
