/* Batch encoding: records to the api.md batch body (Jansson, via sf_record_to_json) and
 * gzip (zlib). The body is built once per batch and then sent or spooled as-is, so a
 * replay sends byte-for-byte what the first attempt sent, batch_id included. */
#include "sensor/batch_encode.h"

#include <inttypes.h>
#include <stddef.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/record_json.h"

int sf_batch_id_format(char *out, size_t size, const char *sensor_id, int64_t boot_epoch,
                       uint64_t seq)
{
    int n = snprintf(out, size, "%s-%" PRId64 "-%" PRIu64, sensor_id, boot_epoch, seq);
    return (n < 0 || (size_t)n >= size || (size_t)n > SF_BATCH_ID_MAX) ? -1 : 0;
}

/* Text fields as the record codec names them. */
static const struct {
    const char *key;
    size_t offset;
} text_fields[] = {
    {"endpoint", offsetof(sf_record, endpoint)}, {"user_agent", offsetof(sf_record, user_agent)},
    {"ip_address", offsetof(sf_record, ip_address)}, {"client_ip", offsetof(sf_record, client_ip)},
    {"server_ip", offsetof(sf_record, server_ip)}, {"host", offsetof(sf_record, host)},
    {"path", offsetof(sf_record, path)}, {"query", offsetof(sf_record, query)},
    {"http_version", offsetof(sf_record, http_version)},
    {"content_type", offsetof(sf_record, content_type)},
    {"x_forwarded_for", offsetof(sf_record, x_forwarded_for)},
};

/* Jansson refuses strings that are not UTF-8, and the codec then leaves the field out:
 * a path with one stray byte from the wire would lose the whole endpoint (and the
 * collector the record). Such fields are put back with every byte >= 0x80 as '?'. */
static void restore_non_utf8(json_t *obj, const sf_record *rec)
{
    for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
        const char *v = *(char *const *)((const char *)rec + text_fields[i].offset);
        if (!v || json_object_get(obj, text_fields[i].key))
            continue;
        char *fixed = strdup(v);
        for (char *p = fixed; p && *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        if (fixed)
            json_object_set_new(obj, text_fields[i].key, json_string(fixed));
        free(fixed);
    }
}

static json_t *records_array(const sf_record *recs, size_t n)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *r = sf_record_to_json(&recs[i]);
        if (r)
            restore_non_utf8(r, &recs[i]);
        if (!r || json_array_append_new(arr, r) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

char *sf_batch_json(const char *sensor_id, const char *batch_id, const sf_record *recs,
                    size_t n, size_t *len)
{
    if (n == 0 || n > SF_BATCH_MAX_RECORDS || !sensor_id || !batch_id)
        return NULL;
    json_t *arr = records_array(recs, n);
    json_t *body = arr ? json_pack("{s:s, s:s, s:o}", "sensor_id", sensor_id, "batch_id",
                                   batch_id, "records", arr)
                       : NULL;
    if (!body)
        return NULL;
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (text && len)
        *len = strlen(text);
    return text;
}

int sf_gzip(const void *in, size_t len, unsigned char **out, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 15 + 16 = gzip wrapper; level 6 is zlib's default speed/size balance. */
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong cap = deflateBound(&zs, (uLong)len);
    unsigned char *buf = malloc(cap);
    if (!buf) {
        deflateEnd(&zs);
        return -1;
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    size_t produced = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = produced;
    return 0;
}

static int grow(unsigned char **buf, size_t *cap, size_t max_out)
{
    if (*cap >= max_out + 1)
        return -1;
    size_t ncap = *cap * 2 > max_out + 1 ? max_out + 1 : *cap * 2;
    unsigned char *nb = realloc(*buf, ncap);
    if (!nb)
        return -1;
    *buf = nb;
    *cap = ncap;
    return 0;
}

int sf_gunzip(const void *in, size_t len, size_t max_out, unsigned char **out,
              size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return -1;
    size_t cap = len * 4 + 64 < max_out + 1 ? len * 4 + 64 : max_out + 1;
    unsigned char *buf = malloc(cap);
    int rc = buf ? Z_OK : Z_MEM_ERROR;
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    while (rc == Z_OK) {
        if (zs.total_out + 1 >= cap && grow(&buf, &cap, max_out) != 0) {
            rc = Z_BUF_ERROR; /* over the limit or out of memory */
            break;
        }
        zs.next_out = buf + zs.total_out;
        zs.avail_out = (uInt)(cap - 1 - zs.total_out);
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0)
            break; /* truncated input */
        if (rc == Z_BUF_ERROR)
            rc = Z_OK; /* needs more output room */
    }
    size_t produced = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    buf[produced] = '\0';
    *out = buf;
    *out_len = produced;
    return 0;
}

int sf_batch_encode(const char *sensor_id, const char *batch_id, const sf_record *recs,
                    size_t n, unsigned char **out, size_t *out_len)
{
    size_t len = 0;
    char *text = sf_batch_json(sensor_id, batch_id, recs, n, &len);
    if (!text)
        return -1;
    int rc = sf_gzip(text, len, out, out_len);
    free(text);
    return rc;
}
