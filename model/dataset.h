/* A data set in memory: named float columns, row-major, with an optional label per row
 * (0 normal, 1 anomaly). Rows and cells are capped so hostile input cannot exhaust memory. */
#ifndef SF_MODEL_DATASET_H
#define SF_MODEL_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define SF_DATASET_MAX_COLUMNS 4096
#define SF_DATASET_MAX_ROWS ((size_t)50 * 1000 * 1000)
#define SF_DATASET_MAX_CELLS ((size_t)400 * 1000 * 1000) /* 1.6 GB of floats */

typedef struct sf_dataset {
    uint32_t cols;
    char **names;    /* cols names, owned */
    size_t rows;
    size_t cap_rows;
    float *values;   /* rows x cols */
    int8_t *labels;  /* rows labels (0/1), or NULL when the data has none */
} sf_dataset;

/* Starts an empty data set with these column names (copied). Returns 0 or -1. */
int sf_dataset_init(sf_dataset *ds, uint32_t cols, const char *const *names, int with_labels);
void sf_dataset_free(sf_dataset *ds);

/* Appends one row of cols values (and its label when the set has labels). Returns 0, or -1
 * with err set when a limit is reached or memory runs out. */
int sf_dataset_append(sf_dataset *ds, const float *row, int label, char *err, size_t err_size);

/* Moves src's rows to the end of dst (same columns, by name). Returns 0 or -1. */
int sf_dataset_concat(sf_dataset *dst, const sf_dataset *src, char *err, size_t err_size);

/* Keeps only the rows whose label is `label` (the data set must have labels). */
void sf_dataset_keep_label(sf_dataset *ds, int label);

/* Removes every column whose name starts with one of the comma-separated prefixes, or with
 * keep set, every column whose name starts with none of them. Returns -1 (and leaves the
 * set unchanged) when no column would be left. */
int sf_dataset_select_columns(sf_dataset *ds, const char *prefixes, int keep);

/* Builds a rows x n_names matrix of the named columns in that order (for a model whose
 * features are a subset or reordering). Returns a malloc'd matrix or NULL with err naming
 * the missing column. */
float *sf_dataset_project(const sf_dataset *ds, const char *const *names, uint32_t n_names,
                          char *err, size_t err_size);

#endif
