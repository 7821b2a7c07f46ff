/* Fuzz target: the CSV reader (header, fields, numbers, limits). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/csv_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    sf_csv_options opts = {.label_column = "label", .max_line = 4096};
    sf_dataset ds;
    char err[512];
    if (sf_csv_parse(text, size, &opts, &ds, err, sizeof err) == 0)
        sf_dataset_free(&ds);
    free(text);
    return 0;
}
