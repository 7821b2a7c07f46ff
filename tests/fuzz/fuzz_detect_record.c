/* Fuzz target: the detection engine on hostile records. Input lines: endpoint, user agent,
 * X-Forwarded-For, then bytes picking status, latency and sizes. Each input is judged as a
 * job of a few copies (time moving on), so clients, routes, baselines, incidents, payload
 * evidence quoting and the route sweep all run; state persists across inputs, as it does in
 * a collector. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/detect.h"
#include "collector/ingest_decode.h"

static sf_detectors detectors;
static int64_t now_us = 1800000000000000LL;

static const char *next_line(const char **p, const char *end, size_t *len)
{
    const char *start = *p, *nl = memchr(start, '\n', (size_t)(end - start));
    *len = (size_t)((nl ? nl : end) - start);
    *p = nl ? nl + 1 : end;
    return start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        sf_detect_config cfg;
        sf_detect_config_default(&cfg);
        cfg.client_table_size = 1024;
        cfg.route_table_size = 256;
        cfg.incident_table_size = 256;
        sf_detectors_init(&detectors, &cfg);
        ready = 1;
    }
    const char *p = (const char *)data, *end = p + size;
    size_t elen, ulen, xlen;
    const char *endpoint = next_line(&p, end, &elen);
    const char *ua = next_line(&p, end, &ulen);
    const char *xff = next_line(&p, end, &xlen);
    if (elen == 0)
        return 0;
    unsigned char knobs[8] = {0};
    memcpy(knobs, p, (size_t)(end - p) < sizeof knobs ? (size_t)(end - p) : sizeof knobs);
    enum { N = 4 };
    sf_ingest_item items[N];
    memset(items, 0, sizeof items);
    for (int i = 0; i < N; i++) {
        sf_record *r = &items[i].rec;
        sf_record_init(r);
        sf_record_set_text(&r->endpoint, endpoint, elen);
        sf_record_set_text(&r->user_agent, ua, ulen);
        if (xlen)
            sf_record_set_text(&r->x_forwarded_for, xff, xlen);
        sf_record_set_text(&r->ip_address, knobs[0] & 1 ? "127.0.0.1" : "198.51.100.7", knobs[0] & 1 ? 9 : 12);
        snprintf(r->method, sizeof r->method, "%s", knobs[1] & 1 ? "POST" : "GET");
        r->status_code = 100 + (knobs[2] * 7 + i) % 500;
        r->response_time_ms = (double)knobs[3] * (double)(1u << (knobs[4] % 20)) / 7.0;
        r->request_size_bytes = knobs[5] & 1 ? SF_ABSENT : (int64_t)knobs[5] << (knobs[6] % 40);
        r->response_size_bytes = (int64_t)knobs[7] << (knobs[6] % 30);
        now_us += (int64_t)(knobs[4] + 1) * 1000000;
        sf_ingest_item_prepare(&items[i], now_us);
    }
    sf_ingest_job job = {0};
    job.items = items;
    job.count = N;
    sf_detect_job(&detectors, &job);
    for (int i = 0; i < N; i++)
        sf_ingest_item_clear(&items[i]);
    for (size_t i = 0; i < job.n_incidents; i++) {
        json_decref(job.incidents[i].reasons);
        json_decref(job.incidents[i].features);
    }
    free(job.incidents);
    return 0;
}
