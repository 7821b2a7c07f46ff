/* Threshold calibration: the anomaly threshold is the training-score quantile that flags
 * the given contamination (default 1 %) of the training rows, or a value set explicitly.
 * Calibration also records each feature's training percentiles and mean explanation
 * contribution, which the reasons (reasons.h) compare a row against. */
#ifndef SF_MODEL_THRESHOLD_H
#define SF_MODEL_THRESHOLD_H

#include <stddef.h>
#include "model/iforest.h"

/* Scores the training rows, sets model->threshold to the (1 - contamination) quantile of
 * their scores (linear interpolation) and fills model->stats. contamination in (0, 0.5].
 * Returns 0 or -1 with err set. */
int sf_if_calibrate(sf_iforest *model, const float *rows, size_t n_rows, double contamination,
                    char *err, size_t err_size);

/* Fills model->stats only (percentiles and baselines), leaving the threshold alone. */
int sf_if_fill_stats(sf_iforest *model, const float *rows, size_t n_rows);

/* Sets an explicit threshold in [0, 1]; contamination is then recorded as 0. */
int sf_if_set_threshold(sf_iforest *model, double threshold, char *err, size_t err_size);

/* The q quantile (0..1) of sorted values, interpolating linearly between neighbours. */
double sf_quantile_sorted(const double *sorted, size_t n, double q);

#endif
