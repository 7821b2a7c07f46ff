/* Fuzz target: the raw HTTP request reader and, for each request it accepts, the HTTP
 * feature extractor. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/http_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    sf_dataset ds;
    char err[512];
    if (sf_http_dataset_init(&ds) == 0) {
        (void)sf_http_dataset_parse(text, size, 0, &ds, err, sizeof err);
        sf_dataset_free(&ds);
    }
    free(text);
    return 0;
}
