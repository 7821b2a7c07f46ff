/* securaflow-trafficgen: a shop API server and a traffic driver for tests, benchmarks
 * and the demo (see shop_server.h and driver.h). Replaces the reference system's
 * generator.py, which could only post synthetic records to a hard-coded URL. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "request_mix.h"
#include "shop_server.h"

static void usage(FILE *f)
{
    fputs("usage:\n"
          "  securaflow-trafficgen serve [--listen HOST:PORT] [--latency-scale F] [--seed N]\n"
          "                              [--max-body BYTES] [--port-file FILE]\n"
          "  securaflow-trafficgen drive --target http://HOST:PORT [--requests N] [--concurrency C]\n"
          "                              [--rate R] [--anomalies latency,5xx,scan,bruteforce,flood,\n"
          "                              oversized,injection|all] [--anomaly-rate F] [--pipeline K]\n"
          "                              [--fresh-connections] [--report FILE] [--seed N]\n"
          "                              [--timeout-ms MS]\n"
          "serve knobs: X-Demo-Delay: MS or ?delay_ms=MS adds latency; X-Demo-Status: NNN or\n"
          "?status=NNN forces a status. Login: " "alice / wonderland.\n", f);
}

/* Strict number parsing: the whole argument must be a number within [lo, hi]. */
static double number(const char *flag, const char *v, double lo, double hi)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || d < lo || d > hi) {
        fprintf(stderr, "securaflow-trafficgen: %s: expected a number in [%g, %g], got '%s'\n",
                flag, lo, hi, v);
        exit(2);
    }
    return d;
}

static int serve(int argc, char **argv)
{
    shop_server_opts o = {.listen = "127.0.0.1:8090", .latency_scale = 1.0,
                          .max_body = 8 << 20, .seed = 42};
    static const struct option opts[] = {
        {"listen", 1, 0, 'l'}, {"latency-scale", 1, 0, 's'}, {"seed", 1, 0, 'S'},
        {"max-body", 1, 0, 'm'}, {"port-file", 1, 0, 'p'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o.listen = optarg; break;
        case 's': o.latency_scale = number("--latency-scale", optarg, 0, 100); break;
        case 'S': o.seed = (uint64_t)number("--seed", optarg, 0, 1e15); break;
        case 'm': o.max_body = (int64_t)number("--max-body", optarg, 0, 1e10); break;
        case 'p': o.port_file = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    return shop_server_run(&o);
}

static int drive(int argc, char **argv)
{
    tg_drive_opts o = {.requests = 1000, .concurrency = 4, .pipeline = 1, .seed = 1,
                       .timeout_ms = 30000, .anomaly_rate = 0.02};
    static const struct option opts[] = {
        {"target", 1, 0, 't'}, {"requests", 1, 0, 'n'}, {"concurrency", 1, 0, 'c'},
        {"rate", 1, 0, 'r'}, {"anomalies", 1, 0, 'a'}, {"anomaly-rate", 1, 0, 'A'},
        {"pipeline", 1, 0, 'k'}, {"fresh-connections", 0, 0, 'f'}, {"report", 1, 0, 'o'},
        {"seed", 1, 0, 'S'}, {"timeout-ms", 1, 0, 'T'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': o.target = optarg; break;
        case 'n': o.requests = (long)number("--requests", optarg, 1, 1e9); break;
        case 'c': o.concurrency = (int)number("--concurrency", optarg, 1, 1024); break;
        case 'r': o.rate = number("--rate", optarg, 0, 1e7); break;
        case 'a':
            if (tg_anomalies_parse(optarg, &o.anomalies) != 0) {
                fprintf(stderr, "securaflow-trafficgen: unknown anomaly in '%s'\n", optarg);
                return 2;
            }
            break;
        case 'A': o.anomaly_rate = number("--anomaly-rate", optarg, 0, 1); break;
        case 'k': o.pipeline = (int)number("--pipeline", optarg, 1, 64); break;
        case 'f': o.fresh_connections = true; break;
        case 'o': o.report = optarg; break;
        case 'S': o.seed = (uint64_t)number("--seed", optarg, 0, 1e15); break;
        case 'T': o.timeout_ms = (int)number("--timeout-ms", optarg, 1, 3600000); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.target) {
        fprintf(stderr, "securaflow-trafficgen drive: --target is required\n");
        return 2;
    }
    return tg_drive_run(&o);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "serve") == 0)
        return serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "drive") == 0)
        return drive(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
