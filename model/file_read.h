/* Whole-file reads with a size cap: raw bytes, or transparently gunzipped (a plain file
 * reads as itself). The readers then parse from memory, which keeps them simple to test
 * and to fuzz. */
#ifndef SF_MODEL_FILE_READ_H
#define SF_MODEL_FILE_READ_H

#include <stddef.h>

#define SF_INPUT_MAX_BYTES ((size_t)2 << 30) /* 2 GiB of (uncompressed) input */

/* Reads path into a malloc'd, NUL-terminated buffer; *len excludes the NUL. A file larger
 * than max_bytes is an error. Returns 0 or -1 with err set (naming the file). */
int sf_read_file_raw(const char *path, size_t max_bytes, unsigned char **data, size_t *len,
                     char *err, size_t err_size);
int sf_read_file_gz(const char *path, size_t max_bytes, char **data, size_t *len, char *err,
                    size_t err_size);

/* Reads path (gzip or plain, up to SF_INPUT_MAX_BYTES) and runs parse on its text; a parse
 * error is prefixed with the path. Returns what parse returns, or -1. */
typedef long (*sf_text_parse_fn)(const char *text, size_t len, void *ctx, char *err,
                                 size_t err_size);
long sf_parse_text_file(const char *path, sf_text_parse_fn parse, void *ctx, char *err,
                        size_t err_size);

#endif
