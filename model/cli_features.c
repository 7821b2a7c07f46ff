/* securaflow-model features: writes the feature rows of the input (e.g. --format http) as
 * CSV with a label column, so other tools (the scikit-learn benchmark) see the same data:
 * without --model the rows train would see, with --model those score and eval would. */
#include "model/cli.h"

#include <stdlib.h>
#include <string.h>

int cli_features(int argc, char **argv)
{
    cli_options o;
    sf_dataset ds;
    sf_iforest *model = NULL;
    int with_model = 0;
    for (int i = 2; i < argc; i++)
        with_model |= !strncmp(argv[i], "--model", 7);
    int status = with_model ? cli_begin_with_model(argc, argv, &o, &model, &ds)
                            : cli_begin(argc, argv, &o, &ds);
    if (status != 0)
        return status;
    /* With a model, exactly its columns, in its order. */
    float *rows = model ? cli_model_rows(model, &ds) : ds.values;
    uint32_t cols = model ? model->n_features : ds.cols;
    char **names = model ? model->feature_names : ds.names;
    FILE *out = rows ? cli_open_output(o.out) : NULL;
    int rc = 1;
    if (out) {
        for (uint32_t c = 0; c < cols; c++)
            fprintf(out, "%s,", names[c]);
        fprintf(out, "label\n");
        for (size_t r = 0; r < ds.rows; r++) {
            for (uint32_t c = 0; c < cols; c++)
                fprintf(out, "%.9g,", rows[r * cols + c]);
            fprintf(out, "%d\n", ds.labels ? ds.labels[r] : 0);
        }
        rc = out != stdout && fclose(out) != 0;
    }
    if (rows != ds.values)
        free(rows);
    sf_dataset_free(&ds);
    sf_if_free(model);
    return rc;
}
