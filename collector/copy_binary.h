/* Rows in PostgreSQL's binary COPY format, for the traffic table (most of what the writer
 * sends). Against the text format it spares both sides the number and time formatting
 * and parsing: the writer stores bytes in network order, the server copies them. Each
 * value must match its column's type exactly (int8, int4, int2, float8, float4, bool,
 * timestamptz, inet, text); a mismatch makes the server refuse the COPY, never
 * misread it. Bounded by the writer's group size, like the text buffer. */
#ifndef SF_COPY_BINARY_H
#define SF_COPY_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "collector/copy_buffer.h"

/* The same growable buffer as the text format; only what goes in differs. */
void sf_copyb_begin(sf_copy_buffer *b);          /* reset + file header */
void sf_copyb_row(sf_copy_buffer *b, int fields);
void sf_copyb_null(sf_copy_buffer *b);
void sf_copyb_int8(sf_copy_buffer *b, int64_t v);
void sf_copyb_int4(sf_copy_buffer *b, int32_t v);
void sf_copyb_int2(sf_copy_buffer *b, int16_t v);
void sf_copyb_float8(sf_copy_buffer *b, double v);
void sf_copyb_float4(sf_copy_buffer *b, float v);
void sf_copyb_bool(sf_copy_buffer *b, int v);
void sf_copyb_time(sf_copy_buffer *b, int64_t unix_us); /* timestamptz */
void sf_copyb_text(sf_copy_buffer *b, const char *s);   /* NULL -> NULL */
void sf_copyb_inet(sf_copy_buffer *b, const char *addr); /* NULL or unparsable -> NULL */
void sf_copyb_end(sf_copy_buffer *b);            /* file trailer */

#endif
