/* The Isolation Forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008): training on a
 * row matrix, scoring, and per-feature explanations.
 *
 * Each tree is built on a random subsample of psi rows (without replacement) by splitting
 * on a random feature at a uniform random value between that feature's min and max in the
 * node, down to a height limit of ceil(log2 psi). A row's path length in a tree is the depth
 * of the leaf it reaches plus c(leaf size), c(n) = 2H(n-1) - 2(n-1)/n being the average
 * path length of an unsuccessful binary-search-tree lookup among n items. The score is
 * s = 2^(-E[h] / c(psi)) in (0, 1]: higher is more anomalous, about 0.5 or less is normal.
 *
 * Trees are stored flat, all in one node array, with each node's two children adjacent,
 * so batch scoring walks small contiguous arrays. A model is read-only once trained or
 * loaded: every scoring and explaining function may be called from many threads at once. */
#ifndef SF_MODEL_IFOREST_H
#define SF_MODEL_IFOREST_H

#include <stddef.h>
#include <stdint.h>

#define SF_IF_MAX_FEATURES 4096
#define SF_IF_MAX_TREES 10000
#define SF_IF_MAX_SAMPLE 65535 /* node sizes are stored in 16 bits */
#define SF_IF_NAME_MAX 128     /* longest feature name, bytes */
#define SF_IF_DEFAULT_TREES 100
#define SF_IF_DEFAULT_SAMPLE 256
#define SF_IF_DEFAULT_CONTAMINATION 0.01

/* One tree node, 16 bytes. A leaf points to itself and has a NaN split, so a walk can run a
 * fixed number of steps without branching on "is this a leaf". */
typedef struct sf_if_node {
    uint32_t left;    /* index (in the model's node array) of the left child; the right
                         child is left + 1; a leaf's own index */
    uint16_t feature; /* split feature; 0 for a leaf */
    uint16_t size;    /* training-sample rows that reached this node */
    float split;      /* rows with x[feature] < split go left, others right; NaN for a leaf */
    float path;       /* leaf: depth + c(size), the path length it contributes; else 0 */
} sf_if_node;

/* What the model remembers of each feature's training distribution, for explanations. */
typedef struct sf_if_feature_stats {
    float low;      /* 1st percentile of the training rows */
    float median;
    float high;     /* 99th percentile */
    float baseline; /* mean explanation contribution over training rows */
} sf_if_feature_stats;

typedef struct sf_iforest {
    uint32_t n_features;
    uint32_t n_trees;
    uint32_t sample_size;  /* psi actually used: min(requested, training rows) */
    uint32_t height_limit; /* ceil(log2 psi) */
    uint32_t n_nodes;
    double path_norm;      /* c(psi) */
    uint32_t *tree_start;  /* n_trees + 1 offsets into nodes */
    sf_if_node *nodes;

    char **feature_names;  /* n_features, owned */
    sf_if_feature_stats *stats; /* n_features */
    uint32_t schema_version; /* of the feature extractor that made the columns; 0 = generic */
    uint64_t schema_hash;    /* sf_schema_hash of the names and version */

    struct sf_profile *profile; /* request profile for "profile." features, or NULL */
    uint16_t *http_index;  /* HTTP models: each feature's index in the HTTP schema */

    double threshold;      /* score >= threshold means anomaly */
    double contamination;  /* used to calibrate threshold; 0 if it was set explicitly */
    double range_extension; /* training parameter (sf_if_params), kept as metadata */
    uint64_t seed;
    uint64_t train_rows;
    int64_t trained_at_us; /* Unix microseconds */
} sf_iforest;

typedef struct sf_if_params {
    uint32_t n_trees;      /* t, default 100 */
    uint32_t sample_size;  /* psi, default 256 */
    uint64_t seed;
    int64_t trained_at_us; /* stored as given, so a seed reproduces a file byte for byte */
    double range_extension; /* 0 (the paper): splits within the node's [min, max]; e > 0:
                               within [min - e*r, max + e*r], r = max - min */
} sf_if_params;

void sf_if_params_default(sf_if_params *params);

/* c(n): the average path length of an unsuccessful search in a binary search tree of n
 * items, with H(i) approximated by ln(i) + Euler's constant as in the paper. */
double sf_if_average_path(double n);

/* Trains on rows (row-major, n_rows x n_features floats; NaN is not allowed: callers
 * validate input). Names are copied. The threshold is left at 0.5 and the per-feature
 * statistics empty: see sf_if_calibrate (threshold.h). Returns NULL with a reason in err. */
sf_iforest *sf_if_train(const float *rows, size_t n_rows, uint32_t n_features,
                        const char *const *feature_names, const sf_if_params *params,
                        char *err, size_t err_size);

void sf_if_free(sf_iforest *model);

/* Mean path length E[h(x)] over the trees, and the anomaly score 2^(-E[h]/c(psi)). */
double sf_if_path_length(const sf_iforest *model, const float *row);
double sf_if_score(const sf_iforest *model, const float *row);
/* Scores n_rows rows (row-major, n_features each) into scores; tree-major over blocks of
 * rows so each tree stays in cache. */
void sf_if_score_batch(const sf_iforest *model, const float *rows, size_t n_rows,
                       double *scores);

/* Explanation: for each feature, how much the splits on it shortened the row's path,
 * averaged over trees. A split from a node of n rows to a child of m rows is expected to
 * cost c(n) - c(m) steps and costs one, so it shortens the path by c(n) - c(m) - 1; the
 * contributions of a tree add up to c(psi) - h(x). contributions has n_features slots. */
void sf_if_explain(const sf_iforest *model, const float *row, double *contributions);

/* Index of a feature by name, or -1. */
int sf_if_feature_index(const sf_iforest *model, const char *name);

#endif
