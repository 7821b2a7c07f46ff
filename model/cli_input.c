/* securaflow-model: loading input files into one data set, and small output helpers. */
#include "model/cli.h"
#include "model/csv_reader.h"
#include "model/features_http.h"
#include "model/http_dataset.h"
#include "model/model_file.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ERR_MAX 512

static int load_one(const cli_options *o, const char *path, int anomalous,
                    const sf_profile *profile, sf_dataset *ds)
{
    char err[ERR_MAX];
    int rc;
    if (!strcmp(o->format, "http")) {
        rc = sf_http_dataset_init(ds);
        if (rc == 0 && sf_http_dataset_read_file(path, anomalous, profile, ds, err,
                                                 sizeof err) < 0) {
            sf_dataset_free(ds);
            rc = -1;
        }
    } else {
        sf_csv_options copts = {.label_column = o->label_column};
        rc = sf_csv_read_file(path, &copts, ds, err, sizeof err);
        if (rc == 0 && anomalous && ds->labels)
            memset(ds->labels, 1, ds->rows);
    }
    if (rc < 0)
        fprintf(stderr, "securaflow-model: %s\n", err);
    return rc;
}

static int append_file(const cli_options *o, const char *path, int anomalous,
                       const sf_profile *profile, sf_dataset *all, int *have)
{
    sf_dataset one;
    if (load_one(o, path, anomalous, profile, &one) < 0)
        return -1;
    char err[ERR_MAX];
    int rc = 0;
    if (!*have) {
        *all = one;
        *have = 1;
        return 0;
    }
    if (sf_dataset_concat(all, &one, err, sizeof err) < 0) {
        fprintf(stderr, "securaflow-model: %s: %s\n", path, err);
        rc = -1;
    }
    sf_dataset_free(&one);
    return rc;
}

/* Training rows from raw HTTP: cross-fitted profile features (http_dataset.h). */
static int load_http_training(const cli_options *o, sf_dataset *ds, sf_profile **learned)
{
    char err[ERR_MAX];
    sf_profile *profile = NULL;
    if (o->n_anomalous > 0) {
        fprintf(stderr, "securaflow-model: training takes no --anomalous input\n");
        return -1;
    }
    if (sf_http_dataset_init(ds) < 0 ||
        sf_http_dataset_read_training(o->inputs, o->n_inputs, ds, &profile, err,
                                      sizeof err) < 0) {
        fprintf(stderr, "securaflow-model: %s\n", err);
        sf_dataset_free(ds);
        return -1;
    }
    if (learned)
        *learned = profile;
    else
        sf_profile_free(profile);
    return 0;
}

static int load_files(const cli_options *o, const sf_iforest *model, sf_dataset *ds,
                      sf_profile **learned)
{
    if (!strcmp(o->format, "http") && !model)
        return load_http_training(o, ds, learned);
    int have = 0;
    const sf_profile *profile = model ? model->profile : NULL;
    for (int i = 0; i < o->n_inputs; i++)
        if (append_file(o, o->inputs[i], 0, profile, ds, &have) < 0)
            goto fail;
    for (int i = 0; i < o->n_anomalous; i++)
        if (append_file(o, o->anomalous[i], 1, profile, ds, &have) < 0)
            goto fail;
    return 0;
fail:
    if (have)
        sf_dataset_free(ds);
    return -1;
}

int cli_load_inputs(const cli_options *opts, const sf_iforest *model, sf_dataset *ds,
                    sf_profile **learned)
{
    if (opts->n_inputs + opts->n_anomalous == 0) {
        fprintf(stderr, "securaflow-model: no input (--in FILE)\n");
        return -1;
    }
    if (load_files(opts, model, ds, learned) < 0)
        return -1;
    /* With a model, its own columns are picked by name later; without, choose them here. */
    const char *keep = opts->features;
    if (!keep && !strcmp(opts->format, "http"))
        keep = SF_HTTP_DEFAULT_FEATURES;
    if (!model && keep && strcmp(keep, "all") != 0 && sf_dataset_select_columns(ds, keep, 1) < 0) {
        fprintf(stderr, "securaflow-model: --features %s matches no column\n", keep);
        sf_dataset_free(ds);
        return -1;
    }
    if (!model && opts->exclude_features &&
        sf_dataset_select_columns(ds, opts->exclude_features, 0) < 0) {
        fprintf(stderr, "securaflow-model: --exclude-features leaves no feature\n");
        sf_dataset_free(ds);
        return -1;
    }
    return 0;
}

int cli_begin(int argc, char **argv, cli_options *opts, sf_dataset *ds)
{
    if (cli_parse_options(argc, argv, 2, opts) < 0)
        return 2;
    return cli_load_inputs(opts, NULL, ds, NULL) < 0 ? 1 : 0;
}

int cli_begin_with_model(int argc, char **argv, cli_options *opts, sf_iforest **model,
                         sf_dataset *ds)
{
    char err[ERR_MAX];
    if (cli_parse_options(argc, argv, 2, opts) < 0)
        return 2;
    if (!opts->model || !(*model = sf_model_load_file(opts->model, err, sizeof err))) {
        fprintf(stderr, "securaflow-model: %s\n",
                opts->model ? err : "--model MODEL is required");
        return 1;
    }
    if (cli_load_inputs(opts, *model, ds, NULL) < 0) {
        sf_if_free(*model);
        return 1;
    }
    return 0;
}

void cli_progress(const char *what, size_t done, size_t total)
{
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r%s: %zu/%zu", what, done, total);
}

void cli_progress_done(void)
{
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r\033[K");
}

double cli_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

FILE *cli_open_output(const char *path)
{
    if (!path || !strcmp(path, "-"))
        return stdout;
    FILE *f = fopen(path, "w");
    if (!f)
        perror(path);
    return f;
}

float *cli_model_rows(const sf_iforest *model, const sf_dataset *ds)
{
    char err[ERR_MAX];
    float *rows = sf_dataset_project(ds, (const char *const *)model->feature_names,
                                     model->n_features, err, sizeof err);
    if (!rows)
        fprintf(stderr, "securaflow-model: %s\n", err);
    return rows;
}

void cli_json_number(FILE *out, const char *key, double v, int last)
{
    if (isnan(v))
        fprintf(out, "\"%s\": null%s", key, last ? "" : ", ");
    else
        fprintf(out, "\"%s\": %.6g%s", key, v, last ? "" : ", ");
}
