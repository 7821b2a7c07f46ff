/* Evaluation metrics for scores against labels (1 = anomaly = positive class): the
 * confusion matrix at a threshold (score >= threshold is flagged), precision, recall, F1,
 * accuracy, ROC AUC (tied scores count one half, i.e. the Mann-Whitney statistic with
 * mid-ranks), PR AUC as average precision (tied scores form one step), and precision@k.
 * Undefined values (no positives, nothing flagged, ...) are NaN, printed as null. */
#ifndef SF_MODEL_METRICS_H
#define SF_MODEL_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct sf_confusion {
    uint64_t tp, fp, tn, fn;
} sf_confusion;

typedef struct sf_eval_metrics {
    size_t rows;
    double roc_auc, pr_auc;
    double precision, recall, f1, accuracy;
    double threshold;
    sf_confusion cm;
} sf_eval_metrics;

void sf_confusion_at(const double *scores, const int8_t *labels, size_t n, double threshold,
                     sf_confusion *cm);
double sf_precision(const sf_confusion *cm);
double sf_recall(const sf_confusion *cm);
double sf_f1(const sf_confusion *cm);
double sf_accuracy(const sf_confusion *cm);

/* These sort a copy of the data: O(n log n) time and O(n) memory. NaN on allocation failure
 * or when either class is missing. */
double sf_roc_auc(const double *scores, const int8_t *labels, size_t n);
double sf_pr_auc(const double *scores, const int8_t *labels, size_t n);
/* Fraction of anomalies among the k highest scores (ties broken by input order). */
double sf_precision_at_k(const double *scores, const int8_t *labels, size_t n, size_t k);

/* Everything above at once. */
void sf_evaluate(const double *scores, const int8_t *labels, size_t n, double threshold,
                 sf_eval_metrics *out);

#endif
