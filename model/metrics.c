/* Evaluation metrics (see metrics.h). */
#include "model/metrics.h"

#include <math.h>
#include <stdlib.h>

typedef struct scored {
    double score;
    size_t index; /* input position, for a stable order among ties */
    int8_t label;
} scored;

/* Highest score first; ties keep input order. */
static int by_score_desc(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->index > y->index) - (x->index < y->index);
}

static scored *sorted_copy(const double *scores, const int8_t *labels, size_t n)
{
    scored *items = malloc((n ? n : 1) * sizeof *items);
    if (!items)
        return NULL;
    for (size_t i = 0; i < n; i++)
        items[i] = (scored){scores[i], i, (int8_t)(labels[i] != 0)};
    qsort(items, n, sizeof *items, by_score_desc);
    return items;
}

static double ratio(uint64_t num, uint64_t den)
{
    return den ? (double)num / (double)den : NAN;
}

void sf_confusion_at(const double *scores, const int8_t *labels, size_t n, double threshold,
                     sf_confusion *cm)
{
    *cm = (sf_confusion){0};
    for (size_t i = 0; i < n; i++) {
        int flagged = scores[i] >= threshold;
        if (labels[i])
            flagged ? cm->tp++ : cm->fn++;
        else
            flagged ? cm->fp++ : cm->tn++;
    }
}

double sf_precision(const sf_confusion *cm) { return ratio(cm->tp, cm->tp + cm->fp); }
double sf_recall(const sf_confusion *cm) { return ratio(cm->tp, cm->tp + cm->fn); }
double sf_accuracy(const sf_confusion *cm)
{
    return ratio(cm->tp + cm->tn, cm->tp + cm->tn + cm->fp + cm->fn);
}

double sf_f1(const sf_confusion *cm)
{
    /* 2TP / (2TP + FP + FN): defined even when precision is not, zero with no true positive. */
    return ratio(2 * cm->tp, 2 * cm->tp + cm->fp + cm->fn);
}

/* Walks groups of equal scores from the top. For ROC AUC, each positive-negative pair
 * ordered correctly counts 1 and each tied pair 1/2. */
double sf_roc_auc(const double *scores, const int8_t *labels, size_t n)
{
    scored *items = sorted_copy(scores, labels, n);
    if (!items)
        return NAN;
    double correct_pairs = 0.0;
    uint64_t positives_above = 0, positives = 0, negatives = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        uint64_t group_pos = 0, group_neg = 0;
        for (; j < n && items[j].score == items[i].score; j++)
            items[j].label ? group_pos++ : group_neg++;
        correct_pairs += (double)group_neg * ((double)positives_above + 0.5 * (double)group_pos);
        positives_above += group_pos;
        positives += group_pos;
        negatives += group_neg;
        i = j;
    }
    free(items);
    if (positives == 0 || negatives == 0)
        return NAN;
    return correct_pairs / ((double)positives * (double)negatives);
}

/* Average precision: sum over distinct thresholds of (recall gained) x (precision there). */
double sf_pr_auc(const double *scores, const int8_t *labels, size_t n)
{
    scored *items = sorted_copy(scores, labels, n);
    if (!items)
        return NAN;
    uint64_t positives = 0;
    for (size_t i = 0; i < n; i++)
        positives += items[i].label;
    double ap = 0.0;
    uint64_t tp = 0, flagged = 0;
    for (size_t i = 0; i < n && positives > 0;) {
        size_t j = i;
        uint64_t group_pos = 0;
        for (; j < n && items[j].score == items[i].score; j++)
            group_pos += items[j].label;
        tp += group_pos;
        flagged += j - i;
        ap += ((double)group_pos / (double)positives) * ((double)tp / (double)flagged);
        i = j;
    }
    free(items);
    return positives ? ap : NAN;
}

double sf_precision_at_k(const double *scores, const int8_t *labels, size_t n, size_t k)
{
    if (k == 0 || n == 0)
        return NAN;
    if (k > n)
        k = n;
    scored *items = sorted_copy(scores, labels, n);
    if (!items)
        return NAN;
    uint64_t hits = 0;
    for (size_t i = 0; i < k; i++)
        hits += items[i].label;
    free(items);
    return (double)hits / (double)k;
}

void sf_evaluate(const double *scores, const int8_t *labels, size_t n, double threshold,
                 sf_eval_metrics *out)
{
    out->rows = n;
    out->threshold = threshold;
    sf_confusion_at(scores, labels, n, threshold, &out->cm);
    out->precision = sf_precision(&out->cm);
    out->recall = sf_recall(&out->cm);
    out->f1 = sf_f1(&out->cm);
    out->accuracy = sf_accuracy(&out->cm);
    out->roc_auc = sf_roc_auc(scores, labels, n);
    out->pr_auc = sf_pr_auc(scores, labels, n);
}
