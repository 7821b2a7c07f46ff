/* securaflow-model train: fit a forest on a CSV or HTTP file, calibrate the threshold and
 * write the model file. Prints a JSON summary on stdout. */
#include "model/cli.h"
#include "model/features_http.h"
#include "model/model.h"
#include "model/request_profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t schema_version_of(const cli_options *o)
{
    /* Columns from the HTTP extractor (any subset) make an HTTP model the collector can
     * compute rows for; CSV columns make a generic model (version 0). */
    return !strcmp(o->format, "http") ? SF_HTTP_SCHEMA_VERSION : 0;
}

static int uses_profile(const sf_iforest *m)
{
    for (uint32_t f = 0; f < m->n_features; f++)
        if (!strncmp(m->feature_names[f], "profile.", 8))
            return 1;
    return 0;
}

static void print_summary(const sf_iforest *m, const char *out_path, double seconds)
{
    printf("{\"model\": \"%s\", \"rows\": %llu, \"features\": %u, \"trees\": %u, "
           "\"sample_size\": %u, \"seed\": %llu, ",
           out_path, (unsigned long long)m->train_rows, m->n_features, m->n_trees,
           m->sample_size, (unsigned long long)m->seed);
    cli_json_number(stdout, "contamination", m->contamination, 0);
    cli_json_number(stdout, "range_extension", m->range_extension, 0);
    cli_json_number(stdout, "threshold", m->threshold, 0);
    cli_json_number(stdout, "train_seconds", seconds, 1);
    printf("}\n");
}

int cli_train(int argc, char **argv)
{
    cli_options o;
    sf_dataset ds;
    sf_profile *profile = NULL;
    if (cli_parse_options(argc, argv, 2, &o) < 0)
        return 2;
    if (!o.out) {
        fprintf(stderr, "securaflow-model train: --out MODEL is required\n");
        return 2;
    }
    if (cli_load_inputs(&o, NULL, &ds, &profile) < 0)
        return 1;
    if (o.exclude_labelled)
        sf_dataset_keep_label(&ds, 0);
    sf_model_train_options topts;
    sf_model_train_options_default(&topts);
    topts.forest.n_trees = o.trees;
    topts.forest.sample_size = o.sample_size;
    topts.forest.seed = o.seed;
    topts.forest.range_extension = o.range_extension >= 0 ? o.range_extension
                                   : !strcmp(o.format, "http") ? SF_HTTP_RANGE_EXTENSION : 0.0;
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
    if (m && uses_profile(m))
        m->profile = profile, profile = NULL;
    sf_profile_free(profile);
    if (!m || sf_model_save_file(m, o.out, err, sizeof err) < 0) {
        fprintf(stderr, "securaflow-model train: %s\n", err);
        sf_if_free(m);
        return 1;
    }
    print_summary(m, o.out, seconds);
    sf_if_free(m);
    return 0;
}
