/* Fuzz target: the configuration file parser, on a schema with every value type. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/config.h"

struct fuzz_conf {
    char *text;
    int64_t number, size, duration;
    bool flag;
    double ratio;
};

static const sf_config_option options[] = {
    {"text", SF_CFG_STRING, "x", 0, 0, offsetof(struct fuzz_conf, text), ""},
    {"s.number", SF_CFG_INT, "1", 0, 100, offsetof(struct fuzz_conf, number), ""},
    {"size", SF_CFG_SIZE, "1k", 0, 0, offsetof(struct fuzz_conf, size), ""},
    {"s.duration", SF_CFG_DURATION, "1s", 0, 0, offsetof(struct fuzz_conf, duration), ""},
    {"flag", SF_CFG_BOOL, "no", 0, 0, offsetof(struct fuzz_conf, flag), ""},
    {"ratio", SF_CFG_DOUBLE, "0", 0, 1, offsetof(struct fuzz_conf, ratio), ""},
};
static const sf_config_schema schema = {"fuzz", options, sizeof options / sizeof options[0]};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    struct fuzz_conf conf = {0};
    char err[SF_CFG_ERR_MAX];
    sf_config_apply_stream(&schema, &conf, f, "fuzz", err);
    fclose(f);
    sf_config_free(&schema, &conf);
    return 0;
}
