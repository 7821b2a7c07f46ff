/* CSV input: a header line of column names, then one row of numbers per line (optionally
 * gzip-compressed; CRLF or LF). One column may be named as the label (non-zero = anomaly);
 * every other column is a feature. Malformed input (short or long rows, non-numeric or
 * non-finite fields, over-long lines, too many columns or rows) is an error naming the
 * line and column; nothing is guessed. Quoting is not supported: numeric data needs none. */
#ifndef SF_MODEL_CSV_READER_H
#define SF_MODEL_CSV_READER_H

#include <stddef.h>
#include "model/dataset.h"

#define SF_CSV_MAX_LINE ((size_t)1 << 20)

typedef struct sf_csv_options {
    const char *label_column; /* NULL or a name; if absent from the header there are no labels */
    int require_label;        /* a missing label column is then an error */
    size_t max_line;          /* 0 = SF_CSV_MAX_LINE */
} sf_csv_options;

/* Parses text into ds (initialised here). Returns 0 or -1 with err set. */
int sf_csv_parse(const char *text, size_t len, const sf_csv_options *opts, sf_dataset *ds,
                 char *err, size_t err_size);
int sf_csv_read_file(const char *path, const sf_csv_options *opts, sf_dataset *ds, char *err,
                     size_t err_size);

#endif
