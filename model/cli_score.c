/* securaflow-model score: one score per input row ("score,anomaly" CSV, plus a "reasons"
 * column with --explain), and securaflow-model eval: metrics against the labels as one
 * JSON object. */
#include "model/cli.h"
#include "model/metrics.h"
#include "model/model_file.h"
#include "model/reasons.h"

#include <stdlib.h>
#include <string.h>

/* A model, an input, the input's rows in the model's feature order, and their scores. */
typedef struct scored_input {
    sf_iforest *model;
    sf_dataset ds;
    float *rows;
    double *scores;
} scored_input;

static void scored_input_free(scored_input *in)
{
    free(in->rows);
    free(in->scores);
    sf_dataset_free(&in->ds);
    sf_if_free(in->model);
}

/* Parses the options, loads the input and the model, and scores every row. Returns 0, or
 * the exit code after printing why. */
static int load_and_score(int argc, char **argv, cli_options *o, scored_input *in)
{
    memset(in, 0, sizeof *in);
    int rc = cli_begin_with_model(argc, argv, o, &in->model, &in->ds);
    if (rc != 0)
        return rc;
    in->rows = cli_model_rows(in->model, &in->ds);
    in->scores = malloc((in->ds.rows ? in->ds.rows : 1) * sizeof *in->scores);
    if (!in->rows || !in->scores) {
        scored_input_free(in);
        return 1;
    }
    sf_if_score_batch(in->model, in->rows, in->ds.rows, in->scores);
    return 0;
}

static void write_reasons(FILE *out, const sf_iforest *m, const float *row)
{
    sf_reason reasons[3];
    size_t n = sf_if_reasons(m, row, reasons, 3);
    fputs(",\"", out);
    for (size_t i = 0; i < n; i++) {
        for (const char *c = reasons[i].text; *c; c++)
            fputs(*c == '"' ? "\"\"" : (char[2]){*c, 0}, out);
        if (i + 1 < n)
            fputs("; ", out);
    }
    fputc('"', out);
}

int cli_score(int argc, char **argv)
{
    cli_options o;
    scored_input in;
    int rc = load_and_score(argc, argv, &o, &in);
    if (rc != 0)
        return rc;
    const sf_iforest *m = in.model;
    FILE *out = cli_open_output(o.out);
    rc = out ? 0 : 1;
    if (out) {
        fprintf(out, "score,anomaly%s\n", o.explain ? ",reasons" : "");
        for (size_t r = 0; r < in.ds.rows; r++) {
            fprintf(out, "%.6f,%d", in.scores[r], in.scores[r] >= m->threshold);
            if (o.explain)
                write_reasons(out, m, in.rows + r * m->n_features);
            fputc('\n', out);
        }
        if (out != stdout && fclose(out) != 0)
            rc = 1;
    }
    scored_input_free(&in);
    return rc;
}

int cli_eval(int argc, char **argv)
{
    cli_options o;
    scored_input in;
    int rc = load_and_score(argc, argv, &o, &in);
    if (rc != 0)
        return rc;
    if (!in.ds.labels) {
        fprintf(stderr, "securaflow-model eval: the input has no label column '%s'\n",
                o.label_column);
        rc = 1;
    } else {
        sf_eval_metrics e;
        sf_evaluate(in.scores, in.ds.labels, in.ds.rows, in.model->threshold, &e);
        printf("{\"rows\": %zu, ", e.rows);
        cli_json_number(stdout, "roc_auc", e.roc_auc, 0);
        cli_json_number(stdout, "pr_auc", e.pr_auc, 0);
        cli_json_number(stdout, "precision", e.precision, 0);
        cli_json_number(stdout, "recall", e.recall, 0);
        cli_json_number(stdout, "f1", e.f1, 0);
        cli_json_number(stdout, "accuracy", e.accuracy, 0);
        cli_json_number(stdout, "threshold", e.threshold, 0);
        printf("\"tp\": %llu, \"fp\": %llu, \"tn\": %llu, \"fn\": %llu}\n",
               (unsigned long long)e.cm.tp, (unsigned long long)e.cm.fp,
               (unsigned long long)e.cm.tn, (unsigned long long)e.cm.fn);
    }
    scored_input_free(&in);
    return rc;
}
