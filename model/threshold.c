/* Threshold calibration and the per-feature training statistics (see threshold.h). */
#include "model/threshold.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define STATS_MAX_ROWS 100000   /* percentiles from at most this many evenly spaced rows */
#define BASELINE_MAX_ROWS 2000  /* mean explanation from at most this many */

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double sf_quantile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return sorted[lo] + (pos - (double)lo) * (sorted[hi] - sorted[lo]);
}

/* Row i of `take` rows spread evenly over n. */
static size_t spread_row(size_t i, size_t take, size_t n)
{
    return take >= n ? i : (size_t)((double)i * (double)n / (double)take);
}

static void feature_percentiles(sf_iforest *m, const float *rows, size_t n_rows,
                                double *column, size_t take)
{
    for (uint32_t f = 0; f < m->n_features; f++) {
        for (size_t i = 0; i < take; i++)
            column[i] = rows[spread_row(i, take, n_rows) * m->n_features + f];
        qsort(column, take, sizeof *column, compare_double);
        m->stats[f].low = (float)sf_quantile_sorted(column, take, 0.01);
        m->stats[f].median = (float)sf_quantile_sorted(column, take, 0.5);
        m->stats[f].high = (float)sf_quantile_sorted(column, take, 0.99);
    }
}

static void feature_baselines(sf_iforest *m, const float *rows, size_t n_rows, double *sums,
                              double *row_contrib)
{
    size_t take = n_rows < BASELINE_MAX_ROWS ? n_rows : BASELINE_MAX_ROWS;
    for (uint32_t f = 0; f < m->n_features; f++)
        sums[f] = 0.0;
    for (size_t i = 0; i < take; i++) {
        sf_if_explain(m, rows + spread_row(i, take, n_rows) * m->n_features, row_contrib);
        for (uint32_t f = 0; f < m->n_features; f++)
            sums[f] += row_contrib[f];
    }
    for (uint32_t f = 0; f < m->n_features; f++)
        m->stats[f].baseline = (float)(sums[f] / (double)take);
}

int sf_if_fill_stats(sf_iforest *model, const float *rows, size_t n_rows)
{
    if (n_rows == 0)
        return 0;
    size_t take = n_rows < STATS_MAX_ROWS ? n_rows : STATS_MAX_ROWS;
    double *column = malloc(take * sizeof *column);
    double *scratch = malloc(2 * (size_t)model->n_features * sizeof *scratch);
    if (!column || !scratch) {
        free(column);
        free(scratch);
        return -1;
    }
    feature_percentiles(model, rows, n_rows, column, take);
    feature_baselines(model, rows, n_rows, scratch, scratch + model->n_features);
    free(column);
    free(scratch);
    return 0;
}

int sf_if_calibrate(sf_iforest *model, const float *rows, size_t n_rows, double contamination,
                    char *err, size_t err_size)
{
    if (!(contamination > 0.0 && contamination <= 0.5) || n_rows == 0) {
        snprintf(err, err_size, "contamination must be in (0, 0.5] and rows given, got %g",
                 contamination);
        return -1;
    }
    double *scores = malloc(n_rows * sizeof *scores);
    if (!scores || sf_if_fill_stats(model, rows, n_rows) < 0) {
        free(scores);
        snprintf(err, err_size, "out of memory calibrating the threshold");
        return -1;
    }
    sf_if_score_batch(model, rows, n_rows, scores);
    qsort(scores, n_rows, sizeof *scores, compare_double);
    model->threshold = sf_quantile_sorted(scores, n_rows, 1.0 - contamination);
    model->contamination = contamination;
    free(scores);
    return 0;
}

int sf_if_set_threshold(sf_iforest *model, double threshold, char *err, size_t err_size)
{
    if (!(threshold >= 0.0 && threshold <= 1.0)) {
        snprintf(err, err_size, "threshold must be in [0, 1], got %g", threshold);
        return -1;
    }
    model->threshold = threshold;
    model->contamination = 0.0;
    return 0;
}
