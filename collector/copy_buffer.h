/* A growable buffer for PostgreSQL COPY data, and the text format's helpers: fields
 * escaped, tab separated, \N for NULL, one row per line (rollups, anomalies). The traffic
 * rows use the binary format's helpers (copy_binary.h) on the same buffer. Bounded by the
 * writer's group size. */
#ifndef SF_COPY_BUFFER_H
#define SF_COPY_BUFFER_H

#include <stddef.h>
#include <stdint.h>

typedef struct sf_copy_buffer {
    char *data;
    size_t len, cap;
    int failed;          /* an allocation failed: the buffer is unusable */
    int row_started;
} sf_copy_buffer;

void sf_copy_reset(sf_copy_buffer *b);
/* Makes room for more bytes (and a spare one); 0, or -1 with b->failed set. */
int sf_copy_reserve(sf_copy_buffer *b, size_t more);
void sf_copy_free(sf_copy_buffer *b);
void sf_copy_text(sf_copy_buffer *b, const char *s);   /* NULL -> \N */
void sf_copy_int(sf_copy_buffer *b, int64_t v);
void sf_copy_int_or_null(sf_copy_buffer *b, int64_t v, int64_t null_value);
void sf_copy_double(sf_copy_buffer *b, double v);
void sf_copy_bool(sf_copy_buffer *b, int v);
void sf_copy_time(sf_copy_buffer *b, int64_t unix_us);
void sf_copy_raw(sf_copy_buffer *b, const char *s, size_t n); /* already COPY-safe */
void sf_copy_end_row(sf_copy_buffer *b);

#endif
