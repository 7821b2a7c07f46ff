/* Fuzz target: the model-file loader. Each input is loaded as is (mostly stopped by the
 * magic, version or checksum) and again with its checksum rewritten so that the parser
 * and validator behind it are reached. A model that loads is scored and explained, which
 * must stay inside its arrays. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "model/model_file.h"
#include "model/reasons.h"

static void exercise(const unsigned char *data, size_t size)
{
    char err[512];
    sf_iforest *m = sf_model_load_buffer(data, size, err, sizeof err);
    if (!m)
        return;
    float *row = calloc(m->n_features, sizeof *row);
    if (row) {
        sf_reason reasons[3];
        (void)sf_if_score(m, row);
        (void)sf_if_reasons(m, row, reasons, 3);
        free(row);
    }
    sf_if_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exercise(data, size);
    if (size < 16 || size > SF_MODEL_FILE_MAX)
        return 0;
    unsigned char *copy = malloc(size);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    uint32_t crc = (uint32_t)crc32(0L, copy, (uInt)(size - 4));
    for (int i = 0; i < 4; i++)
        copy[size - 4 + i] = (unsigned char)(crc >> (8 * i));
    exercise(copy, size);
    free(copy);
    return 0;
}
