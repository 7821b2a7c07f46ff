/* Whole-file reads with a size cap (see file_read.h). */
#include "model/file_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Grows *buf geometrically up to limit + 1 bytes (the +1 holds the NUL). */
static int grow(char **buf, size_t *cap, size_t limit)
{
    if (*cap >= limit + 1)
        return -1;
    size_t next = *cap ? *cap * 2 : 1 << 16;
    if (next > limit + 1)
        next = limit + 1;
    char *bigger = realloc(*buf, next);
    if (!bigger)
        return -1;
    *buf = bigger;
    *cap = next;
    return 0;
}

int sf_read_file_gz(const char *path, size_t max_bytes, char **data, size_t *len, char *err,
                    size_t err_size)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
        return -1;
    }
    gzbuffer(gz, 1 << 17);
    char *buf = NULL;
    size_t cap = 0, used = 0;
    for (;;) {
        if (used + 1 >= cap && grow(&buf, &cap, max_bytes) < 0) {
            snprintf(err, err_size, "%s: larger than the %zu-byte input limit (or out of memory)",
                     path, max_bytes);
            goto fail;
        }
        size_t want = cap - 1 - used;
        int n = gzread(gz, buf + used, want > (1u << 30) ? (1u << 30) : (unsigned)want);
        if (n < 0) {
            int code;
            const char *msg = gzerror(gz, &code);
            snprintf(err, err_size, "%s: read error: %s", path, msg);
            goto fail;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    gzclose(gz);
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return 0;
fail:
    gzclose(gz);
    free(buf);
    return -1;
}

int sf_read_file_raw(const char *path, size_t max_bytes, unsigned char **data, size_t *len,
                     char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, used = 0;
    for (;;) {
        if (used + 1 >= cap && grow(&buf, &cap, max_bytes) < 0) {
            snprintf(err, err_size, "%s: larger than %zu bytes (or out of memory)", path,
                     max_bytes);
            fclose(f);
            free(buf);
            return -1;
        }
        size_t n = fread(buf + used, 1, cap - 1 - used, f);
        used += n;
        if (n == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        snprintf(err, err_size, "%s: read error", path);
        free(buf);
        return -1;
    }
    buf[used] = '\0';
    *data = (unsigned char *)buf;
    *len = used;
    return 0;
}

long sf_parse_text_file(const char *path, sf_text_parse_fn parse, void *ctx, char *err,
                        size_t err_size)
{
    char *text;
    size_t len;
    if (sf_read_file_gz(path, SF_INPUT_MAX_BYTES, &text, &len, err, err_size) < 0)
        return -1;
    char inner[400];
    long rc = parse(text, len, ctx, inner, sizeof inner);
    if (rc < 0)
        snprintf(err, err_size, "%s: %s", path, inner);
    free(text);
    return rc;
}
