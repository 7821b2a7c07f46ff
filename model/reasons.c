/* Reasons for an anomaly (see reasons.h): pick the features whose contribution to the
 * row's isolation most exceeds their training baseline, and describe each against the
 * training percentiles (1st..99th): above, below, or, for a value inside that range, as
 * part of an unusual combination (never "rare": the value itself is usual). Features
 * outside their range come first. */
#include "model/reasons.h"
#include "model/features_http.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_EXCESS 0.05 /* steps of path shortening below which a feature is not a reason */
#define STACK_FEATURES 512

void sf_format_grouped(double v, char *out, size_t size)
{
    char digits[32];
    long long n = llround(fabs(v));
    int len = snprintf(digits, sizeof digits, "%lld", n);
    size_t o = 0;
    if (v < 0 && o + 1 < size)
        out[o++] = '-';
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static void format_value(double v, char *out, size_t size)
{
    if (fabs(v) >= 1000.0 && fabs(v) < 1e15) {
        sf_format_grouped(v, out, size);
    } else {
        snprintf(out, size, "%.3g", v);
    }
}

static double shown(const sf_feature_display *d, double v)
{
    return d->log_scaled ? expm1(v) : v;
}

/* "method DELETE, not among the usual ones (GET, POST)" or, inside the range, "method
 * POST, usual alone but unusual together with the values above". */
static void method_reason(float value, float low, float high, char *out, size_t out_size)
{
    int code = (int)lroundf(value), lo = (int)lroundf(low), hi = (int)lroundf(high);
    char usual[96] = "";
    size_t used = 0;
    for (int c = lo; c <= hi && c <= 8 && used + 16 < sizeof usual; c++)
        used += (size_t)snprintf(usual + used, sizeof usual - used, "%s%s", c > lo ? ", " : "",
                                 sf_http_method_name(c));
    if (code < lo || code > hi)
        snprintf(out, out_size, "method %s, not among the site's usual ones (%s)",
                 sf_http_method_name(code), usual);
    else
        snprintf(out, out_size, "method %s, usual alone (%s) but unusual together with the "
                 "values above", sf_http_method_name(code), usual);
}

void sf_reason_text(const sf_iforest *model, int f, float value, char *out, size_t out_size)
{
    sf_feature_display d = {model->feature_names[f], "", 0};
    sf_features_http_display(model->feature_names[f], &d);
    const sf_if_feature_stats *s = &model->stats[f];
    char v[32], lo[32], hi[32];
    format_value(shown(&d, value), v, sizeof v);
    format_value(shown(&d, s->low), lo, sizeof lo);
    format_value(shown(&d, s->high), hi, sizeof hi);
    const char *sp = *d.unit ? " " : "";
    if (strcmp(model->feature_names[f], "meta.method") == 0) { /* a code means nothing to a reader */
        method_reason(value, s->low, s->high, out, out_size);
        return;
    }
    if (value > s->high)
        snprintf(out, out_size, "%s %s%s%s, above the usual (99%% of training <= %s%s%s)",
                 d.label, v, sp, d.unit, hi, sp, d.unit);
    else if (value < s->low)
        snprintf(out, out_size, "%s %s%s%s, below the usual (99%% of training >= %s%s%s)",
                 d.label, v, sp, d.unit, lo, sp, d.unit);
    else /* inside the usual range: it is the combination that is unusual, not the value */
        snprintf(out, out_size, "%s %s%s%s, within the usual range (%s..%s%s%s) but unusual "
                 "together with the values above", d.label, v, sp, d.unit, lo, hi, sp, d.unit);
}

/* Inserts (f, excess) into the strongest-first list of at most max entries. */
static size_t keep_strongest(sf_reason *list, size_t count, size_t max, int f, double excess)
{
    size_t at = count;
    while (at > 0 && list[at - 1].contribution < excess)
        at--;
    if (at >= max)
        return count;
    size_t moved = (count < max ? count : max - 1) - at;
    memmove(&list[at + 1], &list[at], moved * sizeof *list);
    list[at].feature = f;
    list[at].contribution = excess;
    return count < max ? count + 1 : max;
}

size_t sf_if_reasons(const sf_iforest *model, const float *row, sf_reason *reasons,
                     size_t max_reasons)
{
    double stack[STACK_FEATURES];
    double *contrib = model->n_features <= STACK_FEATURES
                          ? stack
                          : malloc(model->n_features * sizeof *contrib);
    if (!contrib)
        return 0;
    if (max_reasons > SF_REASONS_MAX)
        max_reasons = SF_REASONS_MAX;
    sf_if_explain(model, row, contrib);
    size_t count = 0;
    for (uint32_t f = 0; f < model->n_features && max_reasons > 0; f++) {
        double excess = contrib[f] - model->stats[f].baseline;
        if (excess > MIN_EXCESS)
            count = keep_strongest(reasons, count, max_reasons, (int)f, excess);
    }
    /* values outside their usual range first (stable): they say the most */
    for (size_t i = 1; i < count; i++) {
        sf_reason r = reasons[i];
        float v = row[r.feature];
        bool out = v > model->stats[r.feature].high || v < model->stats[r.feature].low;
        size_t at = i;
        while (out && at > 0) {
            float w = row[reasons[at - 1].feature];
            if (w > model->stats[reasons[at - 1].feature].high || w < model->stats[reasons[at - 1].feature].low)
                break;
            reasons[at] = reasons[at - 1];
            at--;
        }
        reasons[at] = r;
    }
    for (size_t i = 0; i < count; i++)
        sf_reason_text(model, reasons[i].feature, row[reasons[i].feature], reasons[i].text,
                       sizeof reasons[i].text);
    if (contrib != stack)
        free(contrib);
    return count;
}
