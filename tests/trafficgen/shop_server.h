/* `securaflow-trafficgen serve`: the shop API (shop_api.c) on libevent's evhttp, with
 * keep-alive, pipelining (evhttp answers in order), some chunked responses, per-endpoint
 * log-normal latency applied with a timer (never a sleep, so one thread serves many
 * connections), and two knobs for anomaly demos: `X-Demo-Delay: MS` or `?delay_ms=MS`
 * adds latency, `X-Demo-Status: NNN` or `?status=NNN` forces a status. */
#ifndef TG_SHOP_SERVER_H
#define TG_SHOP_SERVER_H

#include <stdint.h>

typedef struct shop_server_opts {
    const char *listen;      /* "127.0.0.1:8090"; port 0 = any (printed) */
    const char *port_file;   /* if set, the bound port is written there */
    double latency_scale;    /* 1 = realistic, 0 = answer at once */
    int64_t max_body;        /* bigger request bodies get 413 */
    uint64_t seed;
} shop_server_opts;

/* Serves until SIGINT or SIGTERM. Returns a process exit code. */
int shop_server_run(const shop_server_opts *opts);

#endif
