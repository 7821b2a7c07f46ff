/* securaflow-trafficgen: a shop API server, a traffic driver and an access-log replay for
 * tests, benchmarks and the demo (see shop_server.h, driver.h and replay.h). Replaces the reference system's
 * generator.py, which could only post synthetic records to a hard-coded URL. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "replay.h"
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
          "                              [--timeout-ms MS] [--clients N [--client-base 127.10.0.1]]\n"
          "                              [--browse] [--duration S] [--scenarios LIST|all\n"
          "                              [--scenario-start S] [--scenario-gap S] [--scenario-repeat S]\n"
          "                              [--scenario-log FILE]]\n"
          "drive scenarios: latency,5xx,scan,bruteforce,bruteforce-distributed,flood,injection,\n"
          "  oversized (see tests/trafficgen/README.md).\n"
          "  securaflow-trafficgen replay --log ACCESS_LOG[.gz] (--collector http://HOST:PORT\n"
          "                              --token-file FILE | --jsonl FILE) [--speed X] [--pace]\n"
          "                              [--max-rate R] [--plant LIST|all] [--plant-after S]\n"
          "                              [--plant-gap S] [--manifest FILE] [--batch N] [--seed N]\n"
          "                              [--sensor-id ID] [--max-records N]\n"
          "replay: the token may also come from SECURAFLOW_INGEST_TOKEN; scenarios: "
          "latency,5xx,scan,\n  bruteforce,bruteforce-distributed,flood,injection,oversized.\n"
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
                       .timeout_ms = 30000, .anomaly_rate = 0.02, .client_base = "127.10.0.1",
                       .schedule = {.start_s = 60, .gap_s = 30}};
    static const struct option opts[] = {
        {"target", 1, 0, 't'}, {"requests", 1, 0, 'n'}, {"concurrency", 1, 0, 'c'},
        {"rate", 1, 0, 'r'}, {"anomalies", 1, 0, 'a'}, {"anomaly-rate", 1, 0, 'A'},
        {"pipeline", 1, 0, 'k'}, {"fresh-connections", 0, 0, 'f'}, {"report", 1, 0, 'o'},
        {"seed", 1, 0, 'S'}, {"timeout-ms", 1, 0, 'T'}, {"clients", 1, 0, 'C'},
        {"client-base", 1, 0, 'B'}, {"browse", 0, 0, 'w'}, {"duration", 1, 0, 'd'},
        {"scenarios", 1, 0, 'x'}, {"scenario-start", 1, 0, 'X'}, {"scenario-gap", 1, 0, 'G'},
        {"scenario-repeat", 1, 0, 'R'}, {"scenario-log", 1, 0, 'L'}, {"help", 0, 0, 'h'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'C': o.clients = (int)number("--clients", optarg, 0, 1000000); break;
        case 'B': o.client_base = optarg; break;
        case 'w': o.browse = true; break;
        case 'd': o.duration_s = number("--duration", optarg, 0, 1e9); break;
        case 'x':
            if (tg_scenarios_parse(optarg, &o.schedule.mask) != 0) {
                fprintf(stderr, "securaflow-trafficgen: unknown scenario in '%s'\n", optarg);
                return 2;
            }
            break;
        case 'X': o.schedule.start_s = number("--scenario-start", optarg, 0, 1e9); break;
        case 'G': o.schedule.gap_s = number("--scenario-gap", optarg, 1, 1e9); break;
        case 'R': o.schedule.repeat_s = number("--scenario-repeat", optarg, 0, 1e9); break;
        case 'L': o.schedule.log = optarg; break;
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

static int replay(int argc, char **argv)
{
    replay_opts o = {.speed = 1, .plant_after_s = 43200, .plant_gap_s = 10800, .batch = 500,
                     .max_records = 5000000, .seed = 1, .sensor_id = "replay"};
    static const struct option opts[] = {
        {"collector", 1, 0, 'c'}, {"token-file", 1, 0, 't'}, {"log", 1, 0, 'l'},
        {"manifest", 1, 0, 'm'}, {"jsonl", 1, 0, 'j'}, {"plant", 1, 0, 'p'},
        {"speed", 1, 0, 's'}, {"pace", 0, 0, 'P'}, {"max-rate", 1, 0, 'r'},
        {"plant-after", 1, 0, 'a'}, {"plant-gap", 1, 0, 'g'}, {"batch", 1, 0, 'b'},
        {"max-records", 1, 0, 'M'}, {"seed", 1, 0, 'S'}, {"sensor-id", 1, 0, 'i'},
        {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o.collector = optarg; break;
        case 't': o.token_file = optarg; break;
        case 'l': o.log = optarg; break;
        case 'm': o.manifest = optarg; break;
        case 'j': o.jsonl = optarg; break;
        case 'p': o.plant = optarg; break;
        case 's': o.speed = number("--speed", optarg, 0.001, 1e6); break;
        case 'P': o.pace = true; break;
        case 'r': o.max_rate = number("--max-rate", optarg, 0, 1e7); break;
        case 'a': o.plant_after_s = number("--plant-after", optarg, 0, 1e9); break;
        case 'g': o.plant_gap_s = number("--plant-gap", optarg, 60, 1e9); break;
        case 'b': o.batch = (int)number("--batch", optarg, 1, 10000); break;
        case 'M': o.max_records = (long)number("--max-records", optarg, 1, 1e9); break;
        case 'S': o.seed = (uint64_t)number("--seed", optarg, 0, 1e15); break;
        case 'i': o.sensor_id = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.log || (!o.collector && !o.jsonl)) {
        fprintf(stderr, "securaflow-trafficgen replay: --log and --collector (or --jsonl) are required\n");
        return 2;
    }
    return tg_replay_run(&o);
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
    if (strcmp(argv[1], "replay") == 0)
        return replay(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
