/* POST /api/traffic and POST /api/traffic/batch: hand the body to the ingest pipeline,
 * answer when the records are committed (or refused), and count each answer and its wait
 * (ingest_metrics.h). */
#include "collector/api_ingest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collector/app.h"
#include "common/time_util.h"

/* Counts r's answer; called just before it is sent (which frees r). */
static void count_answer(sf_request *r, int status)
{
    sf_ingest_metrics_note(&r->app->ingest_metrics, status, sf_monotonic_us() - r->start_us);
}

static void reply_job_error(sf_request *r, sf_ingest_job *job)
{
    count_answer(r, job->status);
    if (job->status == 503)
        sf_reply_add_header(r, "Retry-After", "1");
    sf_reply_json(r, job->status, json_incref(job->error_body));
}

static void single_done(sf_ingest_job *job)
{
    sf_request *r = job->done_arg;
    if (job->status != 200) {
        reply_job_error(r, job);
    } else {
        const sf_ingest_item *it = &job->items[0];
        sf_live_stream_note_job(r->app->stream, job);
        count_answer(r, 200);
        sf_reply_json(r, 200, json_pack("{s:b,s:b,s:f,s:s,s:I,s:s}", "success", 1,
                                        "anomaly_detected", it->is_anomaly, "anomaly_score",
                                        it->score < 0 ? 0.0 : it->score, "anomaly_type",
                                        it->anomaly_type, "traffic_id", (json_int_t)it->traffic_id,
                                        "message", "Traffic data ingested successfully"));
    }
    sf_ingest_job_free(job);
}

static void batch_done(sf_ingest_job *job)
{
    sf_request *r = job->done_arg;
    if (job->sensor_id[0])
        sf_sensor_registry_seen(r->app->sensors, job->sensor_id, sf_now_us());
    if (job->status == 200) {
        sf_live_stream_note_job(r->app->stream, job);
        count_answer(r, 200);
    }
    if (job->status != 200)
        reply_job_error(r, job);
    else if (job->duplicate)
        sf_reply_json(r, 200, json_pack("{s:i,s:O,s:i,s:b}", "accepted", job->stored_accepted,
                                        "rejected", job->stored_rejected ? job->stored_rejected : job->rejected,
                                        "anomalies", job->stored_anomalies, "duplicate", 1));
    else
        sf_reply_json(r, 200, json_pack("{s:i,s:O,s:i,s:b}", "accepted", (int)job->count,
                                        "rejected", job->rejected, "anomalies", job->anomalies,
                                        "duplicate", 0));
    sf_ingest_job_free(job);
}

static int gzip_encoded(sf_request *r)
{
    const char *enc = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Content-Encoding");
    return enc && strcasecmp(enc, "gzip") == 0;
}

static void submit(sf_request *r, bool is_batch, int64_t limit, sf_ingest_done_fn done)
{
    sf_app *app = r->app;
    size_t len;
    const char *body = sf_request_body(r, &len);
    if ((int64_t)len > limit) {
        count_answer(r, 413);
        sf_reply_error(r, 413, "Request body too large");
        return;
    }
    sf_ingest_job *job = sf_ingest_job_new();
    char *copy = job ? malloc(len + 1) : NULL;
    if (!copy) {
        free(job);
        count_answer(r, 500);
        sf_reply_internal(r, "out of memory copying a request body");
        return;
    }
    if (len > 0) /* an empty body may come as NULL */
        memcpy(copy, body, len);
    copy[len] = '\0';
    job->body = copy;
    job->body_len = len;
    job->gzip = gzip_encoded(r);
    job->is_batch = is_batch;
    job->done = done;
    job->done_arg = r;
    memcpy(job->correlation_id, r->correlation_id, sizeof job->correlation_id);
    if (sf_ingest_submit(app->ingest, job) != 0) {
        sf_ingest_job_free(job);
        count_answer(r, 503);
        sf_reply_add_header(r, "Retry-After", "1");
        sf_reply_error(r, 503, "Ingest queue full, retry later");
    }
}

void sf_api_stream(sf_request *r) { sf_live_stream_subscribe(r->app->stream, r); }

void sf_api_traffic(sf_request *r)
{
    submit(r, false, r->app->config.body_limit, single_done);
}

void sf_api_traffic_batch(sf_request *r)
{
    submit(r, true, r->app->config.batch_body_limit, batch_done);
}
