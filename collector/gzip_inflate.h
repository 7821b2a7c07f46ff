/* Bounded gzip decompression for request bodies (Content-Encoding: gzip): a body that
 * would inflate beyond the limit is refused instead of filling memory. */
#ifndef SF_GZIP_INFLATE_H
#define SF_GZIP_INFLATE_H

#include <stddef.h>

/* Returns 0 with *out (malloc'd, NUL-terminated) and *out_len; -1 malformed; -2 too big. */
int sf_gzip_inflate(const char *in, size_t in_len, size_t max_out, char **out, size_t *out_len);

#endif
