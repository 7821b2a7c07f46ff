/* Isolation Forest training: subsample psi rows per tree, split on random features at
 * random values down to the height limit, and lay the trees out flat (see iforest.h). */
#include "model/iforest.h"
#include "model/request_profile.h"
#include "model/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything one tree build needs; reused from tree to tree. */
typedef struct tree_builder {
    const float *rows;
    uint32_t n_features;
    uint32_t height_limit;
    uint32_t *sample;      /* psi row indices, partitioned in place as the tree grows */
    sf_if_node *nodes;     /* the whole forest's node array */
    uint32_t used;         /* nodes filled so far in the forest */
    float *feature_min;    /* per feature, scratch for the current node */
    float *feature_max;
    uint32_t *candidates;  /* features that are not constant in the current node */
    double extension;      /* split range widened by this fraction on each side */
    sf_rng rng;
} tree_builder;

void sf_if_params_default(sf_if_params *params)
{
    params->n_trees = SF_IF_DEFAULT_TREES;
    params->sample_size = SF_IF_DEFAULT_SAMPLE;
    params->seed = 0;
    params->trained_at_us = 0;
    params->range_extension = 0.0;
}

static float row_value(const tree_builder *b, uint32_t row, uint32_t feature)
{
    return b->rows[(size_t)row * b->n_features + feature];
}

static void make_leaf(tree_builder *b, uint32_t node, uint32_t size, uint32_t depth)
{
    sf_if_node *leaf = &b->nodes[node];
    leaf->left = node;
    leaf->feature = 0;
    leaf->size = (uint16_t)size;
    leaf->split = NAN;
    leaf->path = (float)(depth + sf_if_average_path(size));
}

/* Fills the candidate list with the features that vary among sample[lo, hi). */
static uint32_t varying_features(tree_builder *b, uint32_t lo, uint32_t hi)
{
    for (uint32_t f = 0; f < b->n_features; f++)
        b->feature_min[f] = b->feature_max[f] = row_value(b, b->sample[lo], f);
    for (uint32_t i = lo + 1; i < hi; i++) {
        const float *row = b->rows + (size_t)b->sample[i] * b->n_features;
        for (uint32_t f = 0; f < b->n_features; f++) {
            if (row[f] < b->feature_min[f])
                b->feature_min[f] = row[f];
            if (row[f] > b->feature_max[f])
                b->feature_max[f] = row[f];
        }
    }
    uint32_t count = 0;
    for (uint32_t f = 0; f < b->n_features; f++)
        if (b->feature_max[f] > b->feature_min[f])
            b->candidates[count++] = f;
    return count;
}

/* Picks a feature uniformly among those that vary, and a split uniformly in (min, max].
 * Returns 0 when every feature is constant (the node cannot be split). */
static int pick_split(tree_builder *b, uint32_t lo, uint32_t hi, uint32_t *feature,
                      float *split)
{
    uint32_t count = varying_features(b, lo, hi);
    if (count == 0)
        return 0;
    uint32_t f = b->candidates[sf_rng_below(&b->rng, count)];
    double lo_value = b->feature_min[f], hi_value = b->feature_max[f];
    double margin = b->extension * (hi_value - lo_value);
    float value = (float)(lo_value - margin +
                          sf_rng_unit(&b->rng) * (hi_value - lo_value + 2 * margin));
    *feature = f;
    if (margin > 0 && (value <= b->feature_min[f] || value > b->feature_max[f])) {
        /* Beyond the node's range: one side is empty, and a row landing there later is
         * isolated at once instead of riding along with the node's extreme rows. */
        *split = value;
        return 1;
    }
    /* Rounding to float must not leave either side empty. */
    if (value <= b->feature_min[f])
        value = nextafterf(b->feature_min[f], INFINITY);
    if (value > b->feature_max[f])
        value = b->feature_max[f];
    *feature = f;
    *split = value;
    return 1;
}

/* Moves rows with x[feature] < split to the front; returns where the right side starts. */
static uint32_t partition(tree_builder *b, uint32_t lo, uint32_t hi, uint32_t feature,
                          float split)
{
    uint32_t i = lo, j = hi;
    while (i < j) {
        if (row_value(b, b->sample[i], feature) < split) {
            i++;
        } else {
            uint32_t tmp = b->sample[i];
            b->sample[i] = b->sample[--j];
            b->sample[j] = tmp;
        }
    }
    return i;
}

static void build_node(tree_builder *b, uint32_t node, uint32_t lo, uint32_t hi,
                       uint32_t depth)
{
    uint32_t feature;
    float split;
    if (depth >= b->height_limit || hi - lo <= 1 || !pick_split(b, lo, hi, &feature, &split)) {
        make_leaf(b, node, hi - lo, depth);
        return;
    }
    uint32_t mid = partition(b, lo, hi, feature, split);
    uint32_t left = b->used;
    b->used += 2;
    sf_if_node *n = &b->nodes[node];
    n->left = left;
    n->feature = (uint16_t)feature;
    n->size = (uint16_t)(hi - lo);
    n->split = split;
    n->path = 0.0f;
    build_node(b, left, lo, mid, depth + 1);
    build_node(b, left + 1, mid, hi, depth + 1);
}

/* Partial Fisher-Yates: the first psi entries of order become a uniform sample without
 * replacement. order keeps its permutation from tree to tree, which is still uniform. */
static void draw_sample(sf_rng *rng, uint32_t *order, size_t n_rows, uint32_t psi)
{
    for (uint32_t i = 0; i < psi; i++) {
        size_t j = i + (size_t)sf_rng_below(rng, n_rows - i);
        uint32_t tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
}

static int check_inputs(const float *rows, size_t n_rows, uint32_t n_features,
                        const sf_if_params *p, char *err, size_t err_size)
{
    if (n_rows < 2 || n_rows > UINT32_MAX) {
        snprintf(err, err_size, "need between 2 and %u training rows, got %zu", UINT32_MAX,
                 n_rows);
        return -1;
    }
    if (n_features < 1 || n_features > SF_IF_MAX_FEATURES) {
        snprintf(err, err_size, "need 1..%d features, got %u", SF_IF_MAX_FEATURES, n_features);
        return -1;
    }
    if (p->n_trees < 1 || p->n_trees > SF_IF_MAX_TREES || p->sample_size < 2 ||
        p->sample_size > SF_IF_MAX_SAMPLE || !(p->range_extension >= 0.0) ||
        p->range_extension > 10.0) {
        snprintf(err, err_size, "trees must be 1..%d, sample size 2..%d, range extension 0..10",
                 SF_IF_MAX_TREES, SF_IF_MAX_SAMPLE);
        return -1;
    }
    for (size_t i = 0; i < n_rows * n_features; i++) {
        if (!isfinite(rows[i])) {
            snprintf(err, err_size, "row %zu, feature %zu is not a finite number",
                     i / n_features + 1, i % n_features + 1);
            return -1;
        }
    }
    return 0;
}

/* Allocates the model shell: sizes, names, and node arrays big enough for full trees. */
static sf_iforest *alloc_model(size_t n_rows, uint32_t n_features,
                               const char *const *names, const sf_if_params *p)
{
    sf_iforest *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n_features = n_features;
    m->n_trees = p->n_trees;
    m->sample_size = p->sample_size < n_rows ? p->sample_size : (uint32_t)n_rows;
    m->height_limit = (uint32_t)ceil(log2((double)m->sample_size));
    m->path_norm = sf_if_average_path(m->sample_size);
    m->threshold = 0.5;
    m->seed = p->seed;
    m->range_extension = p->range_extension;
    m->train_rows = n_rows;
    m->trained_at_us = p->trained_at_us;
    size_t max_nodes = (size_t)m->n_trees * (2 * (size_t)m->sample_size - 1);
    m->tree_start = calloc(m->n_trees + 1, sizeof *m->tree_start);
    m->nodes = calloc(max_nodes, sizeof *m->nodes);
    m->feature_names = calloc(n_features, sizeof *m->feature_names);
    m->stats = calloc(n_features, sizeof *m->stats);
    if (!m->tree_start || !m->nodes || !m->feature_names || !m->stats) {
        sf_if_free(m);
        return NULL;
    }
    for (uint32_t f = 0; f < n_features; f++) {
        char fallback[32];
        snprintf(fallback, sizeof fallback, "f%u", f);
        const char *name = names && names[f] ? names[f] : fallback;
        m->feature_names[f] = strndup(name, SF_IF_NAME_MAX);
        if (!m->feature_names[f]) {
            sf_if_free(m);
            return NULL;
        }
    }
    return m;
}

static void builder_free(tree_builder *b, uint32_t *order)
{
    free(order);
    free(b->feature_min);
    free(b->feature_max);
    free(b->candidates);
}

sf_iforest *sf_if_train(const float *rows, size_t n_rows, uint32_t n_features,
                        const char *const *feature_names, const sf_if_params *params,
                        char *err, size_t err_size)
{
    if (check_inputs(rows, n_rows, n_features, params, err, err_size) < 0)
        return NULL;
    sf_iforest *m = alloc_model(n_rows, n_features, feature_names, params);
    tree_builder b = {.rows = rows, .n_features = n_features};
    uint32_t *order = malloc(n_rows * sizeof *order);
    b.feature_min = malloc(n_features * sizeof *b.feature_min);
    b.feature_max = malloc(n_features * sizeof *b.feature_max);
    b.candidates = malloc(n_features * sizeof *b.candidates);
    if (!m || !order || !b.feature_min || !b.feature_max || !b.candidates) {
        builder_free(&b, order);
        sf_if_free(m);
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n_rows; i++)
        order[i] = (uint32_t)i;
    b.nodes = m->nodes;
    b.height_limit = m->height_limit;
    b.extension = params->range_extension;
    b.sample = order;
    for (uint32_t t = 0; t < m->n_trees; t++) {
        sf_rng_seed(&b.rng, params->seed, t);
        draw_sample(&b.rng, order, n_rows, m->sample_size);
        m->tree_start[t] = b.used;
        uint32_t root = b.used++;
        build_node(&b, root, 0, m->sample_size, 0);
    }
    m->tree_start[m->n_trees] = m->n_nodes = b.used;
    builder_free(&b, order);
    /* Give back what the trees did not use. */
    sf_if_node *shrunk = realloc(m->nodes, (size_t)m->n_nodes * sizeof *m->nodes);
    if (shrunk)
        m->nodes = shrunk;
    return m;
}

void sf_if_free(sf_iforest *model)
{
    if (!model)
        return;
    if (model->feature_names)
        for (uint32_t f = 0; f < model->n_features; f++)
            free(model->feature_names[f]);
    free(model->feature_names);
    free(model->stats);
    sf_profile_free(model->profile);
    free(model->http_index);
    free(model->tree_start);
    free(model->nodes);
    free(model);
}

int sf_if_feature_index(const sf_iforest *model, const char *name)
{
    for (uint32_t f = 0; f < model->n_features; f++)
        if (strcmp(model->feature_names[f], name) == 0)
            return (int)f;
    return -1;
}
