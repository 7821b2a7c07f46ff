/* securaflow-model features: writes the feature rows of the input (e.g. --format http) as
 * CSV with a label column, so other tools (the scikit-learn benchmark) see the same data:
 * without --model the rows train would see, with --model those score and eval would. */
#include "model/cli.h"

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
    FILE *out = cli_open_output(o.out);
    if (!out) {
        sf_dataset_free(&ds);
        sf_if_free(model);
        return 1;
    }
    for (uint32_t c = 0; c < ds.cols; c++)
        fprintf(out, "%s,", ds.names[c]);
    fprintf(out, "label\n");
    for (size_t r = 0; r < ds.rows; r++) {
        for (uint32_t c = 0; c < ds.cols; c++)
            fprintf(out, "%.9g,", ds.values[r * ds.cols + c]);
        fprintf(out, "%d\n", ds.labels ? ds.labels[r] : 0);
    }
    int rc = out != stdout && fclose(out) != 0;
    sf_dataset_free(&ds);
    sf_if_free(model);
    return rc;
}
