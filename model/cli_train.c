/* securaflow-model train: fit a forest on a CSV or HTTP file, calibrate the threshold and
 * write the model file. Prints a JSON summary on stdout. */
#include "model/cli.h"
#include "model/features_http.h"
#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t schema_version_of(const cli_options *o)
{
    /* A model over the full HTTP schema can be checked by the collector; a CSV or a reduced
     * column set is a generic model (version 0). */
    return !strcmp(o->format, "http") && !o->exclude_features ? SF_HTTP_SCHEMA_VERSION : 0;
}

static void print_summary(const sf_iforest *m, const char *out_path, double seconds)
{
    printf("{\"model\": \"%s\", \"rows\": %llu, \"features\": %u, \"trees\": %u, "
           "\"sample_size\": %u, \"seed\": %llu, ",
           out_path, (unsigned long long)m->train_rows, m->n_features, m->n_trees,
           m->sample_size, (unsigned long long)m->seed);
    cli_json_number(stdout, "contamination", m->contamination, 0);
    cli_json_number(stdout, "threshold", m->threshold, 0);
    cli_json_number(stdout, "train_seconds", seconds, 1);
    printf("}\n");
}

int cli_train(int argc, char **argv)
{
    cli_options o;
    sf_dataset ds;
    int status = cli_begin(argc, argv, &o, &ds);
    if (status != 0)
        return status;
    if (!o.out) {
        fprintf(stderr, "securaflow-model train: --out MODEL is required\n");
        sf_dataset_free(&ds);
        return 2;
    }
    if (o.exclude_labelled)
        sf_dataset_keep_label(&ds, 0);
    sf_model_train_options topts;
    sf_model_train_options_default(&topts);
    topts.forest.n_trees = o.trees;
    topts.forest.sample_size = o.sample_size;
    topts.forest.seed = o.seed;
    topts.contamination = o.contamination;
    topts.threshold = isnan(o.threshold) ? -1.0 : o.threshold;
    char err[512];
    cli_progress("training", 0, ds.rows);
    double start = cli_seconds();
    sf_iforest *m = sf_model_train(ds.values, ds.rows, (const char *const *)ds.names, ds.cols,
                                   schema_version_of(&o), &topts, err, sizeof err);
    double seconds = cli_seconds() - start;
    cli_progress_done();
    sf_dataset_free(&ds);
    if (!m || sf_model_save_file(m, o.out, err, sizeof err) < 0) {
        fprintf(stderr, "securaflow-model train: %s\n", err);
        sf_if_free(m);
        return 1;
    }
    print_summary(m, o.out, seconds);
    sf_if_free(m);
    return 0;
}
