/* securaflow-model: train, score, evaluate and benchmark Isolation Forest models on CSV
 * files or raw HTTP request files (see usage below). */
#include "model/cli.h"
#include "model/features_http.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: securaflow-model COMMAND [options]\n"
            "  train    --in FILE --out MODEL [--trees 100] [--sample-size 256] [--seed S]\n"
            "           [--contamination 0.01 | --threshold T] [--label-column label]\n"
            "           [--exclude-labelled] [--features PREFIX,...|all]\n"
            "           [--exclude-features PREFIX,...] [--range-extension E]\n"
            "  score    --model MODEL --in FILE [--out FILE] [--explain]\n"
            "  eval     --model MODEL --in FILE [--anomalous FILE] [--label-column label]\n"
            "  features --in FILE [--anomalous FILE] [--out FILE.csv]\n"
            "  bench    --in FILE [--trees 100] [--sample-size 256] [--seed 1] [--seeds 5]\n"
            "Input is CSV with a header (optionally .gz), or with --format http raw HTTP\n"
            "requests (CSIC 2010 layout); --in may repeat; --anomalous files are labelled 1.\n"
            "HTTP models use the columns " SF_HTTP_DEFAULT_FEATURES " unless --features says.\n");
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {{"train", cli_train}, {"score", cli_score}, {"eval", cli_eval},
                    {"features", cli_features}, {"bench", cli_bench}};
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("securaflow-model %s\n", SF_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc, argv);
    fprintf(stderr, "securaflow-model: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
