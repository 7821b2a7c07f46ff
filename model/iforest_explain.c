/* Isolation Forest explanations: which features isolated a row. For every split on the
 * row's path, the expected cost of going from the parent's n rows to the child's m rows is
 * c(n) - c(m) steps and the split costs one, so it shortens the path by c(n) - c(m) - 1.
 * That amount is credited to the split's feature; a tree's credits add up to c(psi) - h(x),
 * so features with a large share are the ones that made the row easy to isolate. */
#include "model/iforest.h"

#include <string.h>

static void explain_tree(const sf_iforest *m, uint32_t root, const float *row,
                         double *contributions)
{
    const sf_if_node *nodes = m->nodes;
    uint32_t at = root;
    for (uint32_t d = 0; d < m->height_limit; d++) {
        const sf_if_node *n = &nodes[at];
        if (n->left == at)
            break; /* a leaf */
        uint32_t next = n->left + (row[n->feature] >= n->split);
        double expected = sf_if_average_path(n->size) - sf_if_average_path(nodes[next].size);
        contributions[n->feature] += expected - 1.0;
        at = next;
    }
}

void sf_if_explain(const sf_iforest *model, const float *row, double *contributions)
{
    memset(contributions, 0, model->n_features * sizeof *contributions);
    for (uint32_t t = 0; t < model->n_trees; t++)
        explain_tree(model, model->tree_start[t], row, contributions);
    for (uint32_t f = 0; f < model->n_features; f++)
        contributions[f] /= model->n_trees;
}
