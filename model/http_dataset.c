/* Raw HTTP request files turned into feature rows (see http_dataset.h). */
#include "model/http_dataset.h"
#include "model/features_http.h"
#include "model/file_read.h"
#include "model/http_reader.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct append_ctx {
    sf_dataset *ds;
    int label;
} append_ctx;

static int append_request(sf_http_request *req, void *opaque, char *err, size_t err_size)
{
    append_ctx *ctx = opaque;
    float row[SF_HTTP_FEATURE_COUNT];
    sf_features_from_record(&req->rec, req->body, req->body_len, row);
    return sf_dataset_append(ctx->ds, row, ctx->label, err, err_size);
}

int sf_http_dataset_init(sf_dataset *ds)
{
    return sf_dataset_init(ds, SF_HTTP_FEATURE_COUNT, sf_http_feature_names, 1);
}

long sf_http_dataset_parse(const char *text, size_t len, int label, sf_dataset *ds, char *err,
                           size_t err_size)
{
    append_ctx ctx = {ds, label};
    return sf_http_parse_requests(text, len, NULL, append_request, &ctx, err, err_size);
}

static long parse_http_text(const char *text, size_t len, void *opaque, char *err,
                            size_t err_size)
{
    append_ctx *ctx = opaque;
    long n = sf_http_dataset_parse(text, len, ctx->label, ctx->ds, err, err_size);
    if (n == 0)
        snprintf(err, err_size, "no HTTP requests found"), n = -1;
    return n;
}

long sf_http_dataset_read_file(const char *path, int label, sf_dataset *ds, char *err,
                               size_t err_size)
{
    append_ctx ctx = {ds, label};
    return sf_parse_text_file(path, parse_http_text, &ctx, err, err_size);
}
