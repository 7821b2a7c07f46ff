/* The model file: parsing and validation (format in model_file.h). Every count is checked
 * against the bytes actually present before anything is allocated, and every node is
 * checked so that scoring can never index outside the arrays or loop. */
#include "model/model_file.h"
#include "model/model.h"
#include "model/request_profile.h"
#include "model/schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct cursor {
    const unsigned char *data;
    size_t len, pos;
    int short_read; /* set when a read ran past the end */
} cursor;

static const unsigned char *take(cursor *c, size_t n)
{
    if (c->short_read || n > c->len - c->pos) {
        c->short_read = 1;
        return NULL;
    }
    const unsigned char *p = c->data + c->pos;
    c->pos += n;
    return p;
}

static uint64_t get_le(cursor *c, size_t n)
{
    const unsigned char *p = take(c, n);
    uint64_t v = 0;
    for (size_t i = 0; p && i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint16_t get_u16(cursor *c) { return (uint16_t)get_le(c, 2); }
static uint32_t get_u32(cursor *c) { return (uint32_t)get_le(c, 4); }
static uint64_t get_u64(cursor *c) { return get_le(c, 8); }

static float get_f32(cursor *c)
{
    uint32_t bits = get_u32(c);
    float v;
    memcpy(&v, &bits, 4);
    return v;
}

static double get_f64(cursor *c)
{
    uint64_t bits = get_u64(c);
    double v;
    memcpy(&v, &bits, 8);
    return v;
}

static int fail(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t err_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_envelope(const unsigned char *data, size_t len, char *err, size_t err_size)
{
    if (len < SF_MODEL_MAGIC_LEN + 8 || memcmp(data, SF_MODEL_MAGIC, SF_MODEL_MAGIC_LEN) != 0)
        return fail(err, err_size, "not a SecuraFlow model file (bad magic)");
    cursor c = {data, len, SF_MODEL_MAGIC_LEN, 0};
    uint32_t version = get_u32(&c);
    if (version != SF_MODEL_FORMAT_VERSION)
        return fail(err, err_size, "unsupported model format version %u (this build reads %u)",
                    version, SF_MODEL_FORMAT_VERSION);
    if (len > SF_MODEL_FILE_MAX)
        return fail(err, err_size, "model file too large (%zu bytes)", len);
    c.pos = len - 4;
    uint32_t stored = get_u32(&c);
    uint32_t actual = (uint32_t)crc32(0L, data, (uInt)(len - 4));
    if (stored != actual)
        return fail(err, err_size, "checksum mismatch (file truncated or corrupt)");
    return 0;
}

static int read_header(cursor *c, sf_iforest *m, char *err, size_t err_size)
{
    c->pos = SF_MODEL_MAGIC_LEN + 4;
    m->n_features = get_u32(c);
    m->n_trees = get_u32(c);
    m->sample_size = get_u32(c);
    m->height_limit = get_u32(c);
    m->n_nodes = get_u32(c);
    m->seed = get_u64(c);
    m->train_rows = get_u64(c);
    m->trained_at_us = (int64_t)get_u64(c);
    m->contamination = get_f64(c);
    m->range_extension = get_f64(c);
    m->threshold = get_f64(c);
    m->schema_version = get_u32(c);
    m->schema_hash = get_u64(c);
    if (c->short_read)
        return fail(err, err_size, "truncated header");
    if (m->n_features < 1 || m->n_features > SF_IF_MAX_FEATURES || m->n_trees < 1 ||
        m->n_trees > SF_IF_MAX_TREES || m->sample_size < 2 || m->sample_size > SF_IF_MAX_SAMPLE)
        return fail(err, err_size, "bad sizes: %u features, %u trees, sample size %u",
                    m->n_features, m->n_trees, m->sample_size);
    if (m->height_limit != (uint32_t)ceil(log2((double)m->sample_size)))
        return fail(err, err_size, "height limit %u does not match sample size %u",
                    m->height_limit, m->sample_size);
    uint64_t max_nodes = (uint64_t)m->n_trees * (2 * (uint64_t)m->sample_size - 1);
    if (m->n_nodes < m->n_trees || m->n_nodes > max_nodes ||
        (uint64_t)m->n_nodes * 16 > c->len - c->pos)
        return fail(err, err_size, "bad node count %u", m->n_nodes);
    if (!(m->threshold >= 0.0 && m->threshold <= 1.0) ||
        !(m->contamination >= 0.0 && m->contamination <= 0.5) ||
        !(m->range_extension >= 0.0 && m->range_extension <= 10.0))
        return fail(err, err_size, "threshold %g or contamination %g out of range",
                    m->threshold, m->contamination);
    m->path_norm = sf_if_average_path(m->sample_size);
    return 0;
}

static int valid_name(const unsigned char *p, uint16_t len)
{
    if (len < 1 || len > SF_IF_NAME_MAX)
        return 0;
    for (uint16_t i = 0; i < len; i++)
        if (p[i] <= ' ' || p[i] >= 0x7f || p[i] == ',')
            return 0;
    return 1;
}

static int read_features(cursor *c, sf_iforest *m, char *err, size_t err_size)
{
    m->feature_names = calloc(m->n_features, sizeof *m->feature_names);
    m->stats = calloc(m->n_features, sizeof *m->stats);
    if (!m->feature_names || !m->stats)
        return fail(err, err_size, "out of memory");
    for (uint32_t f = 0; f < m->n_features; f++) {
        uint16_t len = get_u16(c);
        const unsigned char *p = take(c, len);
        if (!p)
            return fail(err, err_size, "truncated feature names");
        if (!valid_name(p, len))
            return fail(err, err_size, "feature %u has an invalid name", f);
        if (!(m->feature_names[f] = strndup((const char *)p, len)))
            return fail(err, err_size, "out of memory");
    }
    for (uint32_t f = 0; f < m->n_features; f++) {
        sf_if_feature_stats *s = &m->stats[f];
        s->low = get_f32(c);
        s->median = get_f32(c);
        s->high = get_f32(c);
        s->baseline = get_f32(c);
        if (!isfinite(s->low) || !isfinite(s->median) || !isfinite(s->high) ||
            !isfinite(s->baseline))
            return fail(err, err_size, "feature %u has non-finite statistics", f);
    }
    if (c->short_read)
        return fail(err, err_size, "truncated feature statistics");
    uint64_t hash = sf_schema_hash(m->schema_version, (const char *const *)m->feature_names,
                                   m->n_features);
    if (hash != m->schema_hash)
        return fail(err, err_size, "schema hash does not match the feature names");
    return 0;
}

static int read_profile_entry(cursor *c, sf_profile *p)
{
    uint16_t key_len = get_u16(c);
    const unsigned char *key = take(c, key_len);
    uint32_t max_len = get_u32(c), count = get_u32(c);
    const unsigned char *has_bytes = take(c, 1);
    if (!key || !has_bytes || key_len == 0 || key_len > SF_PROFILE_KEY_MAX ||
        *has_bytes != (key[0] == 'a'))
        return -1;
    sf_profile_entry *e = sf_profile_insert(p, (const char *)key, key_len);
    if (!e || e->count != 0)
        return -1; /* full, out of memory, or a duplicate key */
    e->max_len = max_len;
    e->count = count;
    for (int k = 0; *has_bytes && k < 256; k++)
        e->bytes[k] = get_u16(c);
    return c->short_read ? -1 : 0;
}

static int read_profile(cursor *c, sf_iforest *m, char *err, size_t err_size)
{
    uint32_t entries = get_u32(c);
    uint64_t requests = get_u64(c);
    if (c->short_read)
        return fail(err, err_size, "truncated profile");
    if (entries == SF_MODEL_NO_PROFILE)
        return 0;
    /* Each entry takes at least 12 bytes: check before allocating anything. */
    if (entries > SF_PROFILE_MAX_ENTRIES || (uint64_t)entries * 12 > c->len - c->pos)
        return fail(err, err_size, "bad profile size %u", entries);
    if (!(m->profile = sf_profile_new()))
        return fail(err, err_size, "out of memory");
    m->profile->requests = requests;
    for (uint32_t i = 0; i < entries; i++)
        if (read_profile_entry(c, m->profile) < 0)
            return fail(err, err_size, "invalid or truncated profile entry %u", i);
    return 0;
}

/* Node i of a tree spanning [start, end): children after it and inside the tree, a real
 * feature and split; or a leaf pointing to itself with a sane path length. */
static int check_node(const sf_iforest *m, uint32_t i, uint32_t end, const uint8_t *depth)
{
    const sf_if_node *n = &m->nodes[i];
    double max_path = m->height_limit + sf_if_average_path(m->sample_size) + 1.0;
    /* A leaf's feature is still read by the branch-free walk: it must be 0. */
    if (n->left == i)
        return n->feature == 0 && isnan(n->split) && n->path >= 0.0f && n->path <= max_path;
    return n->left > i && n->left < end - 1 && n->feature < m->n_features &&
           isfinite(n->split) && depth[i] < m->height_limit;
}

static int check_tree(const sf_iforest *m, uint32_t t, uint8_t *depth)
{
    uint32_t start = m->tree_start[t], end = m->tree_start[t + 1];
    if (end <= start || end > m->n_nodes || end - start > 2 * m->sample_size - 1)
        return 0;
    memset(depth + start, 0, end - start);
    /* Parents come before children, so depths are final when a node is reached. */
    for (uint32_t i = start; i < end; i++) {
        if (!check_node(m, i, end, depth))
            return 0;
        const sf_if_node *n = &m->nodes[i];
        if (n->left != i) {
            for (uint32_t k = 0; k < 2; k++)
                if (depth[n->left + k] < depth[i] + 1)
                    depth[n->left + k] = (uint8_t)(depth[i] + 1);
        }
    }
    return 1;
}

static int read_trees(cursor *c, sf_iforest *m, char *err, size_t err_size)
{
    m->tree_start = calloc((size_t)m->n_trees + 1, sizeof *m->tree_start);
    m->nodes = calloc(m->n_nodes, sizeof *m->nodes);
    uint8_t *depth = calloc(m->n_nodes, 1);
    if (!m->tree_start || !m->nodes || !depth) {
        free(depth);
        return fail(err, err_size, "out of memory");
    }
    for (uint32_t t = 0; t <= m->n_trees; t++)
        m->tree_start[t] = get_u32(c);
    for (uint32_t i = 0; i < m->n_nodes; i++) {
        m->nodes[i].left = get_u32(c);
        m->nodes[i].feature = get_u16(c);
        m->nodes[i].size = get_u16(c);
        m->nodes[i].split = get_f32(c);
        m->nodes[i].path = get_f32(c);
    }
    int ok = !c->short_read && m->tree_start[0] == 0 && m->tree_start[m->n_trees] == m->n_nodes;
    for (uint32_t t = 0; ok && t < m->n_trees; t++)
        ok = check_tree(m, t, depth);
    free(depth);
    if (c->short_read)
        return fail(err, err_size, "truncated trees");
    return ok ? 0 : fail(err, err_size, "invalid tree structure");
}

sf_iforest *sf_model_load_buffer(const void *data, size_t len, char *err, size_t err_size)
{
    if (check_envelope(data, len, err, err_size) < 0)
        return NULL;
    sf_iforest *m = calloc(1, sizeof *m);
    if (!m) {
        fail(err, err_size, "out of memory");
        return NULL;
    }
    cursor c = {data, len - 4, 0, 0}; /* the checksum is not part of the body */
    if (read_header(&c, m, err, err_size) < 0 || read_features(&c, m, err, err_size) < 0 ||
        read_profile(&c, m, err, err_size) < 0 || read_trees(&c, m, err, err_size) < 0) {
        sf_if_free(m);
        return NULL;
    }
    if (c.pos != c.len) {
        fail(err, err_size, "%zu unexpected bytes after the trees", c.len - c.pos);
        sf_if_free(m);
        return NULL;
    }
    if (m->schema_version == SF_HTTP_SCHEMA_VERSION && sf_model_bind_http(m, err, err_size) < 0) {
        sf_if_free(m);
        return NULL;
    }
    return m;
}
