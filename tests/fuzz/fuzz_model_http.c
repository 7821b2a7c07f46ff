/* Fuzz target: the raw HTTP request reader and, for each request it accepts, the request
 * profile (learning, then describing) and the HTTP feature extractor. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/http_dataset.h"
#include "model/http_reader.h"

static int learn(sf_http_request *req, void *ctx, char *err, size_t err_size)
{
    (void)err, (void)err_size;
    return sf_profile_learn(ctx, &req->rec, req->body, req->body_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    sf_profile *profile = sf_profile_new();
    if (!text || !profile) {
        free(text);
        sf_profile_free(profile);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512];
    (void)sf_http_parse_requests(text, size, NULL, learn, profile, err, sizeof err);
    sf_dataset ds;
    if (sf_http_dataset_init(&ds) == 0) {
        (void)sf_http_dataset_parse(text, size, 0, profile, &ds, err, sizeof err);
        sf_dataset_free(&ds);
    }
    sf_profile_free(profile);
    free(text);
    return 0;
}
