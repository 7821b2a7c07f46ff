/* The securaflow-model command: shared options, input loading and helpers for its
 * subcommands (train, score, eval, features, bench), one file each. */
#ifndef SF_MODEL_CLI_H
#define SF_MODEL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "model/dataset.h"
#include "model/iforest.h"

#define CLI_MAX_INPUTS 16

typedef struct cli_options {
    const char *inputs[CLI_MAX_INPUTS];    /* --in (label 0 for http, or from the column) */
    int n_inputs;
    const char *anomalous[CLI_MAX_INPUTS]; /* --anomalous: rows labelled 1 */
    int n_anomalous;
    const char *out;
    const char *model;
    const char *format;          /* "csv" (default) or "http" */
    const char *label_column;    /* default "label" */
    const char *features;        /* name prefixes to keep ("all"); default: every CSV column,
                                    SF_HTTP_DEFAULT_FEATURES for http */
    const char *exclude_features; /* comma-separated name prefixes to drop */
    uint32_t trees, sample_size;
    uint64_t seed;
    double contamination;
    double range_extension;
    double threshold;            /* NaN = calibrate */
    int exclude_labelled;
    int explain;
    int seeds;                   /* bench: number of seeds */
} cli_options;

/* Parses argv[first..] into opts (defaults first). Returns 0, or -1 after printing why. */
int cli_parse_options(int argc, char **argv, int first, cli_options *opts);

/* Loads every --in and --anomalous file into one data set (labels from the label column
 * for CSV, from the flag for http). For http input, profile features come from model's
 * request profile, or, when model is NULL (training), are cross-fitted and the learned
 * profile is returned in *learned (if learned is not NULL). Drops --exclude-features
 * columns. Returns 0 or -1 after printing the error. */
int cli_load_inputs(const cli_options *opts, const sf_iforest *model, sf_dataset *ds,
                    struct sf_profile **learned);

/* Parses the options from argv[2..] and loads the input. Returns 0, or the exit code (2 for
 * a usage error, 1 for an input error) after printing why. */
int cli_begin(int argc, char **argv, cli_options *opts, sf_dataset *ds);
/* The same, with the model given by --model loaded first (its profile is used). */
int cli_begin_with_model(int argc, char **argv, cli_options *opts, sf_iforest **model,
                         sf_dataset *ds);

/* A progress line on stderr ("\rtraining: 40/100"), only when stderr is a terminal. */
void cli_progress(const char *what, size_t done, size_t total);
void cli_progress_done(void);

/* Monotonic seconds. */
double cli_seconds(void);

/* Opens --out (or stdout when NULL or "-"). */
FILE *cli_open_output(const char *path);

/* Rows of ds in the model's feature order; NULL after printing the error. */
float *cli_model_rows(const sf_iforest *model, const sf_dataset *ds);

/* Prints a double for JSON (null when NaN). */
void cli_json_number(FILE *out, const char *key, double v, int last);

int cli_train(int argc, char **argv);
int cli_score(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_features(int argc, char **argv);
int cli_bench(int argc, char **argv);

#endif
