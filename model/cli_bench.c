/* securaflow-model bench: the paper's protocol on a labelled CSV. For each of --seeds seeds,
 * train on all rows (timed: forest construction only, like scikit-learn's fit with
 * contamination="auto"), score all rows (timed: batch scoring), and compute ROC and PR AUC.
 * Prints one JSON object; tests/bench/iforest_vs_sklearn.sh puts it beside scikit-learn. */
#include "model/cli.h"
#include "model/metrics.h"

#include <stdlib.h>

typedef struct bench_run {
    double train_s, score_s, roc_auc, pr_auc;
} bench_run;

static int run_seed(const cli_options *o, const sf_dataset *ds, uint64_t seed, double *scores,
                    bench_run *run)
{
    sf_if_params p = {.n_trees = o->trees, .sample_size = o->sample_size, .seed = seed,
                      .range_extension = o->range_extension > 0 ? o->range_extension : 0};
    char err[512];
    double t0 = cli_seconds();
    sf_iforest *m = sf_if_train(ds->values, ds->rows, ds->cols, (const char *const *)ds->names,
                                &p, err, sizeof err);
    double t1 = cli_seconds();
    if (!m) {
        fprintf(stderr, "securaflow-model bench: %s\n", err);
        return -1;
    }
    sf_if_score_batch(m, ds->values, ds->rows, scores);
    double t2 = cli_seconds();
    sf_if_free(m);
    run->train_s = t1 - t0;
    run->score_s = t2 - t1;
    run->roc_auc = sf_roc_auc(scores, ds->labels, ds->rows);
    run->pr_auc = sf_pr_auc(scores, ds->labels, ds->rows);
    return 0;
}

static void print_report(const cli_options *o, const sf_dataset *ds, const bench_run *runs)
{
    double roc = 0, pr = 0, train = 0, score = 0;
    printf("{\"rows\": %zu, \"features\": %u, \"trees\": %u, \"sample_size\": %u, \"runs\": [",
           ds->rows, ds->cols, o->trees, o->sample_size);
    for (int i = 0; i < o->seeds; i++) {
        printf("%s{\"seed\": %llu, ", i ? ", " : "", (unsigned long long)(o->seed + (uint64_t)i));
        cli_json_number(stdout, "train_seconds", runs[i].train_s, 0);
        cli_json_number(stdout, "score_seconds", runs[i].score_s, 0);
        cli_json_number(stdout, "roc_auc", runs[i].roc_auc, 0);
        cli_json_number(stdout, "pr_auc", runs[i].pr_auc, 1);
        printf("}");
        roc += runs[i].roc_auc, pr += runs[i].pr_auc;
        train += runs[i].train_s, score += runs[i].score_s;
    }
    printf("], ");
    cli_json_number(stdout, "roc_auc_mean", roc / o->seeds, 0);
    cli_json_number(stdout, "pr_auc_mean", pr / o->seeds, 0);
    cli_json_number(stdout, "train_seconds_mean", train / o->seeds, 0);
    cli_json_number(stdout, "score_seconds_mean", score / o->seeds, 0);
    cli_json_number(stdout, "score_rows_per_second", (double)ds->rows * o->seeds / score, 1);
    printf("}\n");
}

int cli_bench(int argc, char **argv)
{
    cli_options o;
    sf_dataset ds;
    int status = cli_begin(argc, argv, &o, &ds);
    if (status != 0)
        return status;
    double *scores = malloc(ds.rows * sizeof *scores);
    bench_run *runs = calloc((size_t)o.seeds, sizeof *runs);
    int rc = ds.labels && scores && runs ? 0 : 1;
    if (!ds.labels)
        fprintf(stderr, "securaflow-model bench: the input has no label column '%s'\n",
                o.label_column);
    for (int i = 0; rc == 0 && i < o.seeds; i++) {
        cli_progress("bench seeds", (size_t)i, (size_t)o.seeds);
        rc = run_seed(&o, &ds, o.seed + (uint64_t)i, scores, &runs[i]) < 0;
    }
    cli_progress_done();
    if (rc == 0)
        print_report(&o, &ds, runs);
    free(scores);
    free(runs);
    sf_dataset_free(&ds);
    return rc;
}
