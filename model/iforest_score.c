/* Isolation Forest scoring: path lengths and anomaly scores, one row or a batch.
 * Read-only on the model, so safe from any number of threads. */
#include "model/iforest.h"

#include <math.h>

#define EULER_GAMMA 0.5772156649015329
#define BATCH_ROWS 64 /* rows walked together through one tree: independent walks overlap */

double sf_if_average_path(double n)
{
    if (n <= 1.0)
        return 0.0;
    if (n <= 2.0)
        return 1.0;
    return 2.0 * (log(n - 1.0) + EULER_GAMMA) - 2.0 * (n - 1.0) / n;
}

/* Walks one tree. Leaves point to themselves, so height_limit steps always end on a leaf
 * (the loader checks that no tree is deeper). */
static float tree_path(const sf_iforest *m, uint32_t root, const float *row)
{
    const sf_if_node *nodes = m->nodes;
    uint32_t at = root;
    for (uint32_t d = 0; d < m->height_limit; d++) {
        const sf_if_node *n = &nodes[at];
        at = n->left + (row[n->feature] >= n->split);
    }
    return nodes[at].path;
}

double sf_if_path_length(const sf_iforest *model, const float *row)
{
    double total = 0.0;
    for (uint32_t t = 0; t < model->n_trees; t++)
        total += tree_path(model, model->tree_start[t], row);
    return total / model->n_trees;
}

static double score_from_path(const sf_iforest *model, double mean_path)
{
    return pow(2.0, -mean_path / model->path_norm);
}

double sf_if_score(const sf_iforest *model, const float *row)
{
    return score_from_path(model, sf_if_path_length(model, row));
}

/* One tree over a block of rows: step all rows one level at a time so the CPU can overlap
 * their independent loads. */
static void tree_paths_block(const sf_iforest *m, uint32_t root, const float *rows,
                             size_t count, double *totals)
{
    const sf_if_node *nodes = m->nodes;
    const uint32_t stride = m->n_features;
    uint32_t at[BATCH_ROWS];
    for (size_t r = 0; r < count; r++)
        at[r] = root;
    for (uint32_t d = 0; d < m->height_limit; d++) {
        for (size_t r = 0; r < count; r++) {
            const sf_if_node *n = &nodes[at[r]];
            at[r] = n->left + (rows[r * stride + n->feature] >= n->split);
        }
    }
    for (size_t r = 0; r < count; r++)
        totals[r] += nodes[at[r]].path;
}

void sf_if_score_batch(const sf_iforest *model, const float *rows, size_t n_rows,
                       double *scores)
{
    for (size_t start = 0; start < n_rows; start += BATCH_ROWS) {
        size_t count = n_rows - start < BATCH_ROWS ? n_rows - start : BATCH_ROWS;
        double totals[BATCH_ROWS] = {0};
        const float *block = rows + start * model->n_features;
        for (uint32_t t = 0; t < model->n_trees; t++)
            tree_paths_block(model, model->tree_start[t], block, count, totals);
        for (size_t r = 0; r < count; r++)
            scores[start + r] = score_from_path(model, totals[r] / model->n_trees);
    }
}
