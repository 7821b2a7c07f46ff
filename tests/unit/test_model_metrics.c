/* Unit tests: evaluation metrics against hand-computed cases (ties included), and the
 * threshold quantile. */
#include <CUnit/CUnit.h>
#include <math.h>

#include "model/metrics.h"
#include "model/threshold.h"

static void test_confusion(void)
{
    double s[] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
    int8_t y[] = {1, 0, 1, 0, 1, 0};
    sf_confusion cm;
    sf_confusion_at(s, y, 6, 0.6, &cm);
    CU_ASSERT_EQUAL(cm.tp, 2);
    CU_ASSERT_EQUAL(cm.fp, 2);
    CU_ASSERT_EQUAL(cm.tn, 1);
    CU_ASSERT_EQUAL(cm.fn, 1);
    CU_ASSERT_DOUBLE_EQUAL(sf_precision(&cm), 0.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_recall(&cm), 2.0 / 3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_f1(&cm), 4.0 / 7, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_accuracy(&cm), 0.5, 1e-12);
    sf_confusion_at(s, y, 6, 2.0, &cm); /* nothing flagged */
    CU_ASSERT(isnan(sf_precision(&cm)));
    CU_ASSERT_DOUBLE_EQUAL(sf_f1(&cm), 0.0, 1e-12);
}

static void test_roc_auc(void)
{
    double s[] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
    int8_t y[] = {1, 0, 1, 0, 1, 0};
    /* Positive-negative pairs ranked right: (0.9: 3) + (0.7: 2) + (0.5: 1) = 6 of 9. */
    CU_ASSERT_DOUBLE_EQUAL(sf_roc_auc(s, y, 6), 6.0 / 9, 1e-12);
    int8_t perfect[] = {1, 1, 1, 0, 0, 0};
    CU_ASSERT_DOUBLE_EQUAL(sf_roc_auc(s, perfect, 6), 1.0, 1e-12);
    /* All tied: every pair counts one half. */
    double tied[] = {0.5, 0.5, 0.5, 0.5};
    int8_t y4[] = {1, 0, 0, 1};
    CU_ASSERT_DOUBLE_EQUAL(sf_roc_auc(tied, y4, 4), 0.5, 1e-12);
    /* Partial tie: pos {0.8, 0.5}, neg {0.5, 0.2}: pairs 1 + 1 + 0.5 + 1 = 3.5 of 4. */
    double part[] = {0.8, 0.5, 0.5, 0.2};
    int8_t yp[] = {1, 1, 0, 0};
    CU_ASSERT_DOUBLE_EQUAL(sf_roc_auc(part, yp, 4), 3.5 / 4, 1e-12);
    int8_t one_class[] = {0, 0, 0, 0};
    CU_ASSERT(isnan(sf_roc_auc(part, one_class, 4)));
}

static void test_pr_auc(void)
{
    double s[] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
    int8_t y[] = {1, 0, 1, 0, 1, 0};
    /* AP = 1/3 (1/1 + 2/3 + 3/5). */
    CU_ASSERT_DOUBLE_EQUAL(sf_pr_auc(s, y, 6), (1.0 + 2.0 / 3 + 3.0 / 5) / 3, 1e-12);
    /* Ties form one step: {0.5 pos, 0.5 neg} then 0.2 pos: 1/2 * 1/2 + 1/2 * 2/3. */
    double t[] = {0.5, 0.5, 0.2};
    int8_t yt[] = {1, 0, 1};
    CU_ASSERT_DOUBLE_EQUAL(sf_pr_auc(t, yt, 3), 0.25 + 1.0 / 3, 1e-12);
}

static void test_precision_at_k(void)
{
    double s[] = {0.1, 0.9, 0.8, 0.3};
    int8_t y[] = {1, 1, 0, 0};
    CU_ASSERT_DOUBLE_EQUAL(sf_precision_at_k(s, y, 4, 1), 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_precision_at_k(s, y, 4, 2), 0.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_precision_at_k(s, y, 4, 10), 0.5, 1e-12);
    CU_ASSERT(isnan(sf_precision_at_k(s, y, 4, 0)));
}

static void test_evaluate_and_quantile(void)
{
    double s[] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
    int8_t y[] = {1, 0, 1, 0, 1, 0};
    sf_eval_metrics e;
    sf_evaluate(s, y, 6, 0.75, &e);
    CU_ASSERT_EQUAL(e.rows, 6);
    CU_ASSERT_EQUAL(e.cm.tp, 1);
    CU_ASSERT_EQUAL(e.cm.fp, 1);
    CU_ASSERT_DOUBLE_EQUAL(e.roc_auc, 6.0 / 9, 1e-12);
    double sorted[] = {1, 2, 3, 4, 5};
    CU_ASSERT_DOUBLE_EQUAL(sf_quantile_sorted(sorted, 5, 0.5), 3.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_quantile_sorted(sorted, 5, 0.9), 4.6, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_quantile_sorted(sorted, 5, 1.0), 5.0, 1e-12);
}

void sf_test_register_model_metrics(void)
{
    CU_pSuite s = CU_add_suite("model_metrics", NULL, NULL);
    CU_add_test(s, "confusion, precision, recall, F1", test_confusion);
    CU_add_test(s, "ROC AUC with ties", test_roc_auc);
    CU_add_test(s, "PR AUC (average precision)", test_pr_auc);
    CU_add_test(s, "precision@k", test_precision_at_k);
    CU_add_test(s, "evaluate and quantile", test_evaluate_and_quantile);
}
