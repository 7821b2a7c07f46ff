/* Human-readable reasons for an anomaly: the features whose splits shortened the row's
 * path more than they do for typical training rows (iforest.h, sf_if_explain), each put
 * as a short sentence with the row's value and the usual training range, e.g.
 * "latency 8,400 ms, above the usual (99% of training <= 120 ms)"; a value inside the
 * training range is described as such ("within the usual range ... but unusual together
 * with the values above"), never as rare. */
#ifndef SF_MODEL_REASONS_H
#define SF_MODEL_REASONS_H

#include <stddef.h>
#include "model/iforest.h"

#define SF_REASON_MAX 160
#define SF_REASONS_MAX 8

typedef struct sf_reason {
    int feature;         /* index in the model */
    double contribution; /* path shortening above the training baseline, in steps */
    char text[SF_REASON_MAX];
} sf_reason;

/* Fills up to max_reasons (<= SF_REASONS_MAX) reasons, strongest first, and returns how
 * many. Thread-safe; uses a stack buffer for models up to 512 features, else allocates. */
size_t sf_if_reasons(const sf_iforest *model, const float *row, sf_reason *reasons,
                     size_t max_reasons);

/* How a feature is shown: a label, a unit, and whether the stored value is log1p(x). The
 * HTTP schema registers its own (features_http.c); unknown names are shown as they are. */
typedef struct sf_feature_display {
    const char *label;
    const char *unit;  /* "" if none */
    int log_scaled;    /* value is log1p(x): show expm1(value) */
} sf_feature_display;

/* Formats one reason for feature f of model with value `value`. */
void sf_reason_text(const sf_iforest *model, int f, float value, char *out, size_t out_size);

/* v rounded to an integer with thousands separators ("-12,345"), for reasons' numbers. */
void sf_format_grouped(double v, char *out, size_t size);

#endif
