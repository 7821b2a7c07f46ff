/* The model file: writing (serialise to a buffer, atomic save) and the file-level load.
 * The format is described in model_file.h; parsing and validation live in
 * model_file_read.c. */
#include "model/model_file.h"
#include "model/file_read.h"
#include "model/request_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

typedef struct out_buf {
    unsigned char *data;
    size_t len;
} out_buf;

static void put_bytes(out_buf *b, const void *bytes, size_t n)
{
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
}

static void put_u16(out_buf *b, uint16_t v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    put_bytes(b, x, 2);
}

static void put_u32(out_buf *b, uint32_t v)
{
    unsigned char x[4];
    for (int i = 0; i < 4; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    put_bytes(b, x, 4);
}

static void put_u64(out_buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_f32(out_buf *b, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, 4);
    put_u32(b, bits);
}

static void put_f64(out_buf *b, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    put_u64(b, bits);
}

static size_t serialized_size(const sf_iforest *m)
{
    size_t size = SF_MODEL_MAGIC_LEN + 4 * 6 + 8 * 6 + 4 + 8;
    for (uint32_t f = 0; f < m->n_features; f++)
        size += 2 + strlen(m->feature_names[f]) + 16;
    size += 4 + 8;
    for (uint32_t i = 0; m->profile && i < m->profile->capacity; i++)
        if (m->profile->slots[i].key)
            size += 2 + m->profile->slots[i].key_len + 8 + 1 +
                    (m->profile->slots[i].bytes ? 512 : 0);
    size += 4 * ((size_t)m->n_trees + 1) + 16 * (size_t)m->n_nodes + 4;
    return size;
}

static void put_header(out_buf *b, const sf_iforest *m)
{
    put_bytes(b, SF_MODEL_MAGIC, SF_MODEL_MAGIC_LEN);
    put_u32(b, SF_MODEL_FORMAT_VERSION);
    put_u32(b, m->n_features);
    put_u32(b, m->n_trees);
    put_u32(b, m->sample_size);
    put_u32(b, m->height_limit);
    put_u32(b, m->n_nodes);
    put_u64(b, m->seed);
    put_u64(b, m->train_rows);
    put_u64(b, (uint64_t)m->trained_at_us);
    put_f64(b, m->contamination);
    put_f64(b, m->range_extension);
    put_f64(b, m->threshold);
    put_u32(b, m->schema_version);
    put_u64(b, m->schema_hash);
}

static void put_features(out_buf *b, const sf_iforest *m)
{
    for (uint32_t f = 0; f < m->n_features; f++) {
        size_t len = strlen(m->feature_names[f]);
        put_u16(b, (uint16_t)len);
        put_bytes(b, m->feature_names[f], len);
    }
    for (uint32_t f = 0; f < m->n_features; f++) {
        put_f32(b, m->stats[f].low);
        put_f32(b, m->stats[f].median);
        put_f32(b, m->stats[f].high);
        put_f32(b, m->stats[f].baseline);
    }
}

/* Entries in slot order: deterministic for a given training set. */
static void put_profile(out_buf *b, const sf_iforest *m)
{
    put_u32(b, m->profile ? m->profile->used : SF_MODEL_NO_PROFILE);
    put_u64(b, m->profile ? m->profile->requests : 0);
    for (uint32_t i = 0; m->profile && i < m->profile->capacity; i++) {
        const sf_profile_entry *e = &m->profile->slots[i];
        if (!e->key)
            continue;
        put_u16(b, (uint16_t)e->key_len);
        put_bytes(b, e->key, e->key_len);
        put_u32(b, e->max_len);
        put_u32(b, e->count);
        unsigned char has_bytes = e->bytes != NULL;
        put_bytes(b, &has_bytes, 1);
        for (int k = 0; has_bytes && k < 256; k++)
            put_u16(b, e->bytes[k]);
    }
}

static void put_trees(out_buf *b, const sf_iforest *m)
{
    for (uint32_t t = 0; t <= m->n_trees; t++)
        put_u32(b, m->tree_start[t]);
    for (uint32_t i = 0; i < m->n_nodes; i++) {
        const sf_if_node *n = &m->nodes[i];
        put_u32(b, n->left);
        put_u16(b, n->feature);
        put_u16(b, n->size);
        put_f32(b, n->split);
        put_f32(b, n->path);
    }
}

int sf_model_serialize(const sf_iforest *model, unsigned char **out, size_t *out_len,
                       char *err, size_t err_size)
{
    size_t size = serialized_size(model);
    if (size > SF_MODEL_FILE_MAX) {
        snprintf(err, err_size, "model too large to save (%zu bytes, limit %u)", size,
                 SF_MODEL_FILE_MAX);
        return -1;
    }
    out_buf b = {.data = malloc(size), .len = 0};
    if (!b.data) {
        snprintf(err, err_size, "out of memory serialising the model");
        return -1;
    }
    put_header(&b, model);
    put_features(&b, model);
    put_profile(&b, model);
    put_trees(&b, model);
    put_u32(&b, (uint32_t)crc32(0L, b.data, (uInt)b.len));
    *out = b.data;
    *out_len = b.len;
    return 0;
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int sf_model_save_file(const sf_iforest *model, const char *path, char *err, size_t err_size)
{
    unsigned char *data;
    size_t len;
    if (sf_model_serialize(model, &data, &len, err, err_size) < 0)
        return -1;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, err_size, "%s: cannot create: %s", path, strerror(errno));
        free(data);
        return -1;
    }
    /* mkstemp makes the file 0600; a model is not secret, let readers load it. */
    int failed = fchmod(fd, 0644) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0;
    failed |= close(fd) < 0;
    free(data);
    if (failed || rename(tmp, path) < 0) {
        snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

sf_iforest *sf_model_load_file(const char *path, char *err, size_t err_size)
{
    unsigned char *data;
    size_t len;
    if (sf_read_file_raw(path, SF_MODEL_FILE_MAX, &data, &len, err, err_size) < 0)
        return NULL;
    char inner[400];
    sf_iforest *m = sf_model_load_buffer(data, len, inner, sizeof inner);
    if (!m)
        snprintf(err, err_size, "%s: %s", path, inner);
    free(data);
    return m;
}

int sf_model_check_schema(const sf_iforest *model, uint32_t schema_version,
                          uint64_t schema_hash, char *err, size_t err_size)
{
    if (model->schema_version == schema_version && model->schema_hash == schema_hash)
        return 0;
    snprintf(err, err_size,
             "model was trained on feature schema version %u (hash %016llx) but this program "
             "computes version %u (hash %016llx); retrain the model",
             model->schema_version, (unsigned long long)model->schema_hash, schema_version,
             (unsigned long long)schema_hash);
    return -1;
}
