/* Bounded gzip decompression (see gzip_inflate.h). */
#include "collector/gzip_inflate.h"

#include <stdlib.h>
#include <zlib.h>

int sf_gzip_inflate(const char *in, size_t in_len, size_t max_out, char **out, size_t *out_len)
{
    z_stream zs = {0};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) /* 16: gzip wrapper only */
        return -1;
    size_t cap = in_len * 4 + 1024;
    if (cap > max_out + 1)
        cap = max_out + 1;
    char *buf = malloc(cap + 1);
    int rc = buf ? Z_OK : Z_MEM_ERROR;
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)in_len;
    while (rc == Z_OK) {
        if (zs.total_out == cap) {
            if (cap > max_out) {
                rc = Z_BUF_ERROR; /* already past the limit */
                break;
            }
            size_t bigger = cap * 2 > max_out + 1 ? max_out + 1 : cap * 2;
            char *grown = realloc(buf, bigger + 1);
            if (!grown) {
                rc = Z_MEM_ERROR;
                break;
            }
            buf = grown;
            cap = bigger;
        }
        zs.next_out = (Bytef *)buf + zs.total_out;
        zs.avail_out = (uInt)(cap - zs.total_out);
        rc = inflate(&zs, Z_NO_FLUSH);
    }
    size_t produced = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || zs.avail_in != 0) {
        free(buf);
        return (produced > max_out) ? -2 : -1;
    }
    if (produced > max_out) {
        free(buf);
        return -2;
    }
    buf[produced] = '\0';
    *out = buf;
    *out_len = produced;
    return 0;
}
