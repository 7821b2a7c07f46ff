/* securaflow-model: option parsing shared by the subcommands. */
#include "model/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_defaults(cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = "csv";
    o->label_column = "label";
    o->trees = 100;
    o->sample_size = 256;
    o->seed = 1;
    o->contamination = 0.01;
    o->threshold = NAN;
    o->range_extension = -1.0; /* auto: 0 for CSV, SF_HTTP_RANGE_EXTENSION for http */
    o->seeds = 5;
}

static int parse_u64(const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_real(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int add_input(const char **list, int *count, const char *path)
{
    if (*count >= CLI_MAX_INPUTS)
        return -1;
    list[(*count)++] = path;
    return 0;
}

/* Applies "--name value"; returns 0, or -1 for a bad value or unknown name. */
static int apply(cli_options *o, const char *name, const char *value)
{
    uint64_t n;
    if (!strcmp(name, "in"))
        return add_input(o->inputs, &o->n_inputs, value);
    if (!strcmp(name, "anomalous"))
        return add_input(o->anomalous, &o->n_anomalous, value);
    if (!strcmp(name, "out"))
        return o->out = value, 0;
    if (!strcmp(name, "model"))
        return o->model = value, 0;
    if (!strcmp(name, "format"))
        return strcmp(value, "csv") && strcmp(value, "http") ? -1 : (o->format = value, 0);
    if (!strcmp(name, "label-column"))
        return o->label_column = value, 0;
    if (!strcmp(name, "features"))
        return o->features = value, 0;
    if (!strcmp(name, "exclude-features"))
        return o->exclude_features = value, 0;
    if (!strcmp(name, "trees"))
        return parse_u64(value, SF_IF_MAX_TREES, &n) < 0 || n < 1 ? -1
                                                                  : (o->trees = (uint32_t)n, 0);
    if (!strcmp(name, "sample-size"))
        return parse_u64(value, SF_IF_MAX_SAMPLE, &n) < 0 || n < 2
                   ? -1
                   : (o->sample_size = (uint32_t)n, 0);
    if (!strcmp(name, "seed"))
        return parse_u64(value, UINT64_MAX, &o->seed);
    if (!strcmp(name, "seeds"))
        return parse_u64(value, 100, &n) < 0 || n < 1 ? -1 : (o->seeds = (int)n, 0);
    if (!strcmp(name, "contamination"))
        return parse_real(value, &o->contamination) < 0 || o->contamination <= 0 ||
                       o->contamination > 0.5 ? -1 : 0;
    if (!strcmp(name, "range-extension"))
        return parse_real(value, &o->range_extension) < 0 || o->range_extension < 0 ||
                       o->range_extension > 10 ? -1 : 0;
    if (!strcmp(name, "threshold"))
        return parse_real(value, &o->threshold) < 0 || o->threshold < 0 || o->threshold > 1
                   ? -1 : 0;
    return -2;
}

int cli_parse_options(int argc, char **argv, int first, cli_options *opts)
{
    set_defaults(opts);
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr, "securaflow-model: unexpected argument '%s'\n", arg);
            return -1;
        }
        const char *name = arg + 2;
        if (!strcmp(name, "exclude-labelled")) {
            opts->exclude_labelled = 1;
            continue;
        }
        if (!strcmp(name, "explain")) {
            opts->explain = 1;
            continue;
        }
        char key[64];
        const char *eq = strchr(name, '=');
        const char *value;
        if (eq) {
            snprintf(key, sizeof key, "%.*s", (int)(eq - name), name);
            value = eq + 1;
        } else {
            snprintf(key, sizeof key, "%s", name);
            if (i + 1 >= argc) {
                fprintf(stderr, "securaflow-model: --%s needs a value\n", key);
                return -1;
            }
            value = argv[++i];
        }
        int rc = apply(opts, key, value);
        if (rc == -2)
            fprintf(stderr, "securaflow-model: unknown option --%s\n", key);
        else if (rc < 0)
            fprintf(stderr, "securaflow-model: bad value for --%s: '%s'\n", key, value);
        if (rc < 0)
            return -1;
    }
    return 0;
}
