/* Helpers for the detection engine's unit tests (test_detect_*.c): a detector set with
 * default thresholds, and one record judged at a time as its own job. Header-only. */
#ifndef SF_DETECT_TEST_UTIL_H
#define SF_DETECT_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "collector/detect.h"
#include "collector/ingest_decode.h"

#define T0 1800000000000000LL /* a fixed traffic time, in µs */
#define SEC 1000000LL

typedef struct judged {
    sf_ingest_item item;
    sf_ingest_job job;
} judged;

/* Judges one record as its own job; the result stays valid until judged_free. */
static inline judged *judge_record(sf_detectors *d, const char *method, const char *endpoint,
                                   const char *ip, int status, double ms, int64_t ts_us,
                                   const char *user_agent)
{
    static judged j;
    memset(&j, 0, sizeof j);
    sf_record *r = &j.item.rec;
    sf_record_init(r);
    sf_record_set_text(&r->endpoint, endpoint, strlen(endpoint));
    if (ip)
        sf_record_set_text(&r->ip_address, ip, strlen(ip));
    if (user_agent)
        sf_record_set_text(&r->user_agent, user_agent, strlen(user_agent));
    snprintf(r->method, sizeof r->method, "%s", method);
    r->status_code = status;
    r->response_time_ms = ms;
    r->timestamp_us = ts_us;
    sf_ingest_item_prepare(&j.item, ts_us);
    j.job.items = &j.item;
    j.job.count = 1;
    sf_detect_job(d, &j.job);
    return &j;
}

static inline void judged_free(judged *j)
{
    sf_ingest_item_clear(&j->item);
    for (size_t i = 0; i < j->job.n_incidents; i++) {
        json_decref(j->job.incidents[i].reasons);
        json_decref(j->job.incidents[i].features);
    }
    free(j->job.incidents);
    j->job.incidents = NULL;
    j->job.n_incidents = 0;
}

/* Judges and returns the type ("normal" when not flagged), freeing the rest. */
static inline const char *judge_type(sf_detectors *d, const char *method, const char *endpoint,
                                     const char *ip, int status, double ms, int64_t ts_us)
{
    judged *j = judge_record(d, method, endpoint, ip, status, ms, ts_us, "Mozilla/5.0");
    const char *type = j->item.is_anomaly ? j->item.anomaly_type : "normal";
    judged_free(j);
    return type;
}

/* The first reason of the last judged record, before judged_free. */
static inline const char *first_reason(const judged *j)
{
    return json_string_value(json_array_get(j->item.reasons, 0));
}

#endif
