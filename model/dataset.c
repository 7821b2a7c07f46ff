/* In-memory data sets (see dataset.h). */
#include "model/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sf_dataset_init(sf_dataset *ds, uint32_t cols, const char *const *names, int with_labels)
{
    memset(ds, 0, sizeof *ds);
    if (cols < 1 || cols > SF_DATASET_MAX_COLUMNS)
        return -1;
    ds->names = calloc(cols, sizeof *ds->names);
    if (!ds->names)
        return -1;
    ds->cols = cols;
    for (uint32_t c = 0; c < cols; c++) {
        if (!(ds->names[c] = strdup(names[c]))) {
            sf_dataset_free(ds);
            return -1;
        }
    }
    ds->labels = with_labels ? malloc(1) : NULL; /* grown with the rows */
    if (with_labels && !ds->labels) {
        sf_dataset_free(ds);
        return -1;
    }
    return 0;
}

void sf_dataset_free(sf_dataset *ds)
{
    if (ds->names)
        for (uint32_t c = 0; c < ds->cols; c++)
            free(ds->names[c]);
    free(ds->names);
    free(ds->values);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}

static int reserve(sf_dataset *ds, size_t rows)
{
    if (rows <= ds->cap_rows)
        return 0;
    size_t cap = ds->cap_rows ? ds->cap_rows * 2 : 1024;
    if (cap < rows)
        cap = rows;
    float *values = realloc(ds->values, cap * ds->cols * sizeof *values);
    if (!values)
        return -1;
    ds->values = values;
    if (ds->labels) {
        int8_t *labels = realloc(ds->labels, cap);
        if (!labels)
            return -1;
        ds->labels = labels;
    }
    ds->cap_rows = cap;
    return 0;
}

int sf_dataset_append(sf_dataset *ds, const float *row, int label, char *err, size_t err_size)
{
    if (ds->rows >= SF_DATASET_MAX_ROWS || (ds->rows + 1) * ds->cols > SF_DATASET_MAX_CELLS) {
        snprintf(err, err_size, "too many rows (limit %zu rows, %zu cells)", SF_DATASET_MAX_ROWS,
                 SF_DATASET_MAX_CELLS);
        return -1;
    }
    if (reserve(ds, ds->rows + 1) < 0) {
        snprintf(err, err_size, "out of memory at row %zu", ds->rows + 1);
        return -1;
    }
    memcpy(ds->values + ds->rows * ds->cols, row, ds->cols * sizeof *row);
    if (ds->labels)
        ds->labels[ds->rows] = label ? 1 : 0;
    ds->rows++;
    return 0;
}

int sf_dataset_concat(sf_dataset *dst, const sf_dataset *src, char *err, size_t err_size)
{
    float *projected = sf_dataset_project(src, (const char *const *)dst->names, dst->cols, err,
                                          err_size);
    if (!projected)
        return -1;
    int rc = 0;
    for (size_t r = 0; r < src->rows && rc == 0; r++)
        rc = sf_dataset_append(dst, projected + r * dst->cols, src->labels ? src->labels[r] : 0,
                               err, err_size);
    free(projected);
    return rc;
}

void sf_dataset_keep_label(sf_dataset *ds, int label)
{
    if (!ds->labels)
        return;
    size_t kept = 0;
    for (size_t r = 0; r < ds->rows; r++) {
        if (ds->labels[r] != label)
            continue;
        memmove(ds->values + kept * ds->cols, ds->values + r * ds->cols,
                ds->cols * sizeof *ds->values);
        ds->labels[kept++] = ds->labels[r];
    }
    ds->rows = kept;
}

static int has_prefix_in(const char *name, const char *prefixes)
{
    const char *p = prefixes;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len > 0 && strncmp(name, p, len) == 0)
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

int sf_dataset_select_columns(sf_dataset *ds, const char *prefixes, int keep)
{
    uint32_t *kept_index = malloc(ds->cols * sizeof *kept_index);
    if (!kept_index)
        return -1;
    uint32_t kept = 0;
    for (uint32_t c = 0; c < ds->cols; c++)
        if (has_prefix_in(ds->names[c], prefixes) == keep)
            kept_index[kept++] = c;
    if (kept == 0) {
        free(kept_index);
        return -1; /* nothing would be left: leave the set unchanged */
    }
    for (uint32_t c = 0, k = 0; c < ds->cols; c++) {
        if (k < kept && kept_index[k] == c)
            ds->names[k++] = ds->names[c];
        else
            free(ds->names[c]);
    }
    /* Compact in place: each destination index is at or before its source. */
    for (size_t r = 0; r < ds->rows; r++)
        for (uint32_t k = 0; k < kept; k++)
            ds->values[r * kept + k] = ds->values[r * ds->cols + kept_index[k]];
    ds->cols = kept;
    free(kept_index);
    return 0;
}

float *sf_dataset_project(const sf_dataset *ds, const char *const *names, uint32_t n_names,
                          char *err, size_t err_size)
{
    uint32_t *source = malloc(n_names * sizeof *source);
    float *out = malloc((ds->rows ? ds->rows : 1) * n_names * sizeof *out);
    if (!source || !out) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    for (uint32_t k = 0; k < n_names; k++) {
        uint32_t c = 0;
        while (c < ds->cols && strcmp(ds->names[c], names[k]) != 0)
            c++;
        if (c == ds->cols) {
            snprintf(err, err_size, "input has no column '%s' (the model needs it)", names[k]);
            goto fail;
        }
        source[k] = c;
    }
    for (size_t r = 0; r < ds->rows; r++)
        for (uint32_t k = 0; k < n_names; k++)
            out[r * n_names + k] = ds->values[r * ds->cols + source[k]];
    free(source);
    return out;
fail:
    free(source);
    free(out);
    return NULL;
}
