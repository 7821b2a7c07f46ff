/* Raw HTTP request files turned into feature rows (see http_dataset.h). */
#include "model/http_dataset.h"
#include "model/features_http.h"
#include "model/file_read.h"
#include "model/http_reader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct append_ctx {
    sf_dataset *ds;
    int label;
    const sf_profile *profile;      /* for every request, or */
    const sf_profile *by_half[2];   /* cross-fitting: request i uses by_half[half of i] */
    size_t index;
} append_ctx;

static int append_request(sf_http_request *req, void *opaque, char *err, size_t err_size)
{
    append_ctx *ctx = opaque;
    float row[SF_HTTP_FEATURE_COUNT];
    sf_features_from_record(&req->rec, req->body, req->body_len, row);
    const sf_profile *profile = ctx->by_half[0] ? ctx->by_half[sf_profile_half_of(ctx->index)]
                                                : ctx->profile;
    ctx->index++;
    if (profile)
        sf_profile_features(profile, &req->rec, req->body, req->body_len,
                            row + SF_HF_PROFILE_ROUTE_NOVELTY);
    return sf_dataset_append(ctx->ds, row, ctx->label, err, err_size);
}

int sf_http_dataset_init(sf_dataset *ds)
{
    return sf_dataset_init(ds, SF_HTTP_FEATURE_COUNT, sf_http_feature_names, 1);
}

long sf_http_dataset_parse(const char *text, size_t len, int label, const sf_profile *profile,
                           sf_dataset *ds, char *err, size_t err_size)
{
    append_ctx ctx = {.ds = ds, .label = label, .profile = profile};
    return sf_http_parse_requests(text, len, NULL, append_request, &ctx, err, err_size);
}

static long parse_http_text(const char *text, size_t len, void *opaque, char *err,
                            size_t err_size)
{
    append_ctx *ctx = opaque;
    long n = sf_http_parse_requests(text, len, NULL, append_request, ctx, err, err_size);
    if (n == 0)
        snprintf(err, err_size, "no HTTP requests found"), n = -1;
    return n;
}

long sf_http_dataset_read_file(const char *path, int label, const sf_profile *profile,
                               sf_dataset *ds, char *err, size_t err_size)
{
    append_ctx ctx = {.ds = ds, .label = label, .profile = profile};
    return sf_parse_text_file(path, parse_http_text, &ctx, err, err_size);
}

/* Learning pass: every request goes into the full profile and into its half. */
typedef struct learn_ctx {
    sf_profile *full, *half[2];
    size_t index;
} learn_ctx;

static int learn_request(sf_http_request *req, void *opaque, char *err, size_t err_size)
{
    learn_ctx *ctx = opaque;
    sf_profile *half = ctx->half[sf_profile_half_of(ctx->index++)];
    if (sf_profile_learn(ctx->full, &req->rec, req->body, req->body_len) < 0 ||
        sf_profile_learn(half, &req->rec, req->body, req->body_len) < 0) {
        snprintf(err, err_size, "out of memory learning the request profile");
        return -1;
    }
    return 0;
}

static long learn_text(const char *text, size_t len, void *opaque, char *err, size_t err_size)
{
    return sf_http_parse_requests(text, len, NULL, learn_request, opaque, err, err_size);
}

long sf_http_dataset_read_training(const char *const *paths, int n_paths, sf_dataset *ds,
                                   sf_profile **profile, char *err, size_t err_size)
{
    learn_ctx learn = {sf_profile_new(), {sf_profile_new(), sf_profile_new()}, 0};
    long total = -1;
    if (!learn.full || !learn.half[0] || !learn.half[1]) {
        snprintf(err, err_size, "out of memory");
        goto done;
    }
    for (int i = 0; i < n_paths; i++)
        if (sf_parse_text_file(paths[i], learn_text, &learn, err, err_size) < 0)
            goto done;
    /* Row i gets its profile features from the half it was not learned into. */
    append_ctx rows = {.ds = ds, .label = 0, .by_half = {learn.half[1], learn.half[0]}};
    for (int i = 0; i < n_paths; i++)
        if (sf_parse_text_file(paths[i], parse_http_text, &rows, err, err_size) < 0)
            goto done;
    total = (long)rows.index;
    *profile = learn.full;
    learn.full = NULL;
done:
    sf_profile_free(learn.full);
    sf_profile_free(learn.half[0]);
    sf_profile_free(learn.half[1]);
    return total;
}
