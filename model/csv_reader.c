/* CSV input (see csv_reader.h). Works on an in-memory buffer, one line at a time. */
#include "model/csv_reader.h"
#include "model/file_read.h"
#include "model/line_cursor.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_state {
    sf_line_cursor lines;
    int label_index;       /* column of the label, or -1 */
    uint32_t n_fields;     /* columns in the header, label included */
} csv_state;

static size_t count_fields(const char *line, size_t len)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += line[i] == ',';
    return n;
}

/* Copies field i of the header, trimmed of spaces and surrounding quotes. */
static char *header_name(const char *field, size_t len)
{
    while (len > 0 && (*field == ' ' || *field == '"'))
        field++, len--;
    while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '"'))
        len--;
    return strndup(field, len);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int parse_header(csv_state *s, const sf_csv_options *opts, sf_dataset *ds, char *err,
                        size_t err_size)
{
    const char *line;
    size_t len;
    int rc = sf_line_next(&s->lines, &line, &len);
    if (rc <= 0 || len == 0) {
        snprintf(err, err_size, rc < 0 ? "header line too long" : "empty input: no header line");
        return -1;
    }
    size_t n = count_fields(line, len);
    if (n > SF_DATASET_MAX_COLUMNS) {
        snprintf(err, err_size, "too many columns (%zu, limit %d)", n, SF_DATASET_MAX_COLUMNS);
        return -1;
    }
    char **names = calloc(n, sizeof *names);
    size_t features = 0;
    s->n_fields = (uint32_t)n;
    s->label_index = -1;
    for (size_t i = 0, start = 0; names && i < n; i++) {
        size_t end = start;
        while (end < len && line[end] != ',')
            end++;
        char *name = header_name(line + start, end - start);
        start = end + 1;
        if (!name)
            break;
        if (opts->label_column && strcmp(name, opts->label_column) == 0 && s->label_index < 0) {
            s->label_index = (int)i;
            free(name);
        } else if (*name == '\0') {
            snprintf(err, err_size, "header: column %zu has an empty name", i + 1);
            free(name);
            free_names(names, features);
            return -1;
        } else {
            names[features++] = name;
        }
    }
    if (opts->require_label && s->label_index < 0) {
        snprintf(err, err_size, "header has no label column '%s'",
                 opts->label_column ? opts->label_column : "");
        free_names(names, features);
        return -1;
    }
    int failed = !names || features == 0 ||
                 sf_dataset_init(ds, (uint32_t)features, (const char *const *)names,
                                 s->label_index >= 0) < 0;
    if (failed)
        snprintf(err, err_size, features == 0 ? "header has no feature columns" : "out of memory");
    free_names(names, features);
    return failed ? -1 : 0;
}

/* Parses one numeric field; the whole field must be a finite number. */
static int parse_number(const char *field, size_t len, double *out)
{
    char buf[64];
    while (len > 0 && *field == ' ')
        field++, len--;
    while (len > 0 && field[len - 1] == ' ')
        len--;
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, field, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || !isfinite(v) || fabs(v) > 3.0e38)
        return -1;
    *out = v;
    return 0;
}

static int field_error(const csv_state *s, const sf_dataset *ds, uint32_t field,
                       const char *value, size_t len, char *err, size_t err_size)
{
    const char *name = (int)field == s->label_index ? "label" : "?";
    if ((int)field != s->label_index) {
        uint32_t feature = field - (s->label_index >= 0 && (int)field > s->label_index);
        name = ds->names[feature];
    }
    snprintf(err, err_size, "line %zu, column '%s': not a finite number: '%.*s'", s->lines.line_no,
             name, (int)(len > 40 ? 40 : len), value);
    return -1;
}

static int parse_row(csv_state *s, const char *line, size_t len, sf_dataset *ds, float *row,
                     char *err, size_t err_size)
{
    size_t n = count_fields(line, len);
    if (n != s->n_fields) {
        snprintf(err, err_size, "line %zu: expected %u fields, got %zu", s->lines.line_no,
                 s->n_fields, n);
        return -1;
    }
    int label = 0;
    size_t start = 0;
    for (uint32_t i = 0, feature = 0; i < s->n_fields; i++) {
        size_t end = start;
        while (end < len && line[end] != ',')
            end++;
        double v;
        if (parse_number(line + start, end - start, &v) < 0)
            return field_error(s, ds, i, line + start, end - start, err, err_size);
        if ((int)i == s->label_index)
            label = v != 0.0;
        else
            row[feature++] = (float)v;
        start = end + 1;
    }
    char inner[200];
    if (sf_dataset_append(ds, row, label, inner, sizeof inner) < 0) {
        snprintf(err, err_size, "line %zu: %s", s->lines.line_no, inner);
        return -1;
    }
    return 0;
}

int sf_csv_parse(const char *text, size_t len, const sf_csv_options *opts, sf_dataset *ds,
                 char *err, size_t err_size)
{
    csv_state s = {.lines = {.text = text, .len = len,
                             .max_line = opts->max_line ? opts->max_line : SF_CSV_MAX_LINE}};
    memset(ds, 0, sizeof *ds);
    if (parse_header(&s, opts, ds, err, err_size) < 0)
        return -1;
    float *row = malloc(ds->cols * sizeof *row);
    int rc = row ? 0 : -1;
    const char *line;
    size_t line_len;
    int got;
    while (rc == 0 && (got = sf_line_next(&s.lines, &line, &line_len)) != 0) {
        if (got < 0) {
            snprintf(err, err_size, "line %zu: longer than %zu bytes", s.lines.line_no,
                     s.lines.max_line);
            rc = -1;
        } else if (line_len > 0) {
            rc = parse_row(&s, line, line_len, ds, row, err, err_size);
        }
    }
    free(row);
    if (rc == 0 && ds->rows == 0) {
        snprintf(err, err_size, "no data rows after the header");
        rc = -1;
    }
    if (rc < 0)
        sf_dataset_free(ds);
    return rc;
}

typedef struct csv_file_ctx {
    const sf_csv_options *opts;
    sf_dataset *ds;
} csv_file_ctx;

static long parse_csv_text(const char *text, size_t len, void *opaque, char *err,
                           size_t err_size)
{
    csv_file_ctx *ctx = opaque;
    return sf_csv_parse(text, len, ctx->opts, ctx->ds, err, err_size);
}

int sf_csv_read_file(const char *path, const sf_csv_options *opts, sf_dataset *ds, char *err,
                     size_t err_size)
{
    csv_file_ctx ctx = {opts, ds};
    memset(ds, 0, sizeof *ds);
    return (int)sf_parse_text_file(path, parse_csv_text, &ctx, err, err_size);
}
