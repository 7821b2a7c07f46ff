/* The live stream (see live_stream.h). */
#include "collector/live_stream.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/http_cors.h"
#include "collector/latency_histogram.h"
#include "common/log.h"
#include "common/time_util.h"

#define SUBSCRIBER_BACKLOG_MAX (1 << 20)
#define KEEPALIVE_SECONDS 15
#define SENSOR_QUIET_US (300LL * 1000000)

typedef struct subscriber {
    struct evhttp_request *req;
    struct evhttp_connection *conn;
    struct sf_live_stream *stream;
    struct subscriber *next;
} subscriber;

typedef struct second_counts {
    int64_t requests, errors, server_errors, anomalies;
    double sum_ms;
    sf_latency_hist hist;
} second_counts;

struct sf_live_stream {
    struct event *tick;
    sf_sensor_registry *sensors;
    subscriber *subs;
    int count, max;
    int ticks;
    int live_sensors;
    second_counts now;
};

static void drop(sf_live_stream *s, subscriber *victim)
{
    for (subscriber **p = &s->subs; *p; p = &(*p)->next)
        if (*p == victim) {
            *p = victim->next;
            s->count--;
            free(victim);
            return;
        }
}

static void on_closed(struct evhttp_connection *conn, void *arg)
{
    (void)conn;
    subscriber *sub = arg;
    struct evhttp_request *req = sub->req;
    drop(sub->stream, sub);
    /* A client hanging up detaches the unfinished reply from the connection (libevent
     * leaves it to us): ending it frees it. While the whole server is being freed the
     * request is still attached, and libevent frees it itself. */
    if (!evhttp_request_get_connection(req))
        evhttp_send_reply_end(req);
}

static void send_all(sf_live_stream *s, const char *text)
{
    for (subscriber *sub = s->subs, *next; sub; sub = next) {
        next = sub->next;
        struct bufferevent *bev = evhttp_connection_get_bufferevent(sub->conn);
        if (bev && evbuffer_get_length(bufferevent_get_output(bev)) > SUBSCRIBER_BACKLOG_MAX) {
            sf_log_info("live stream: dropping a subscriber that does not keep up");
            evhttp_connection_set_closecb(sub->conn, NULL, NULL);
            evhttp_send_reply_end(sub->req);
            drop(s, sub);
            continue;
        }
        struct evbuffer *buf = evbuffer_new();
        evbuffer_add(buf, text, strlen(text));
        evhttp_send_reply_chunk(sub->req, buf);
        evbuffer_free(buf);
    }
}

static void publish(sf_live_stream *s, const char *event, json_t *data)
{
    char *json = json_dumps(data, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(data);
    if (!json || !s->subs) {
        free(json);
        return;
    }
    size_t n = strlen(json) + strlen(event) + 32;
    char *text = malloc(n);
    if (text) {
        snprintf(text, n, "event: %s\ndata: %s\n\n", event, json);
        send_all(s, text);
    }
    free(text);
    free(json);
}

static void publish_second(sf_live_stream *s)
{
    second_counts *c = &s->now;
    char ts[SF_RFC3339_LEN];
    publish(s, "traffic", json_pack("{s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:f}", "time",
                                    sf_time_format(sf_now_us() / 1000000 * 1000000, ts, sizeof ts),
                                    "requests", (json_int_t)c->requests, "errors", (json_int_t)c->errors,
                                    "server_errors", (json_int_t)c->server_errors, "anomalies",
                                    (json_int_t)c->anomalies, "avg_response_time_ms",
                                    c->requests ? c->sum_ms / (double)c->requests : 0.0,
                                    "p95_response_time_ms", sf_hist_quantile(&c->hist, 0.95),
                                    "p99_response_time_ms", sf_hist_quantile(&c->hist, 0.99)));
    memset(c, 0, sizeof *c);
}

static void publish_sensor_changes(sf_live_stream *s)
{
    int live = sf_sensor_registry_count_since(s->sensors, sf_now_us() - SENSOR_QUIET_US);
    if (live != s->live_sensors)
        publish(s, "sensor", json_pack("{s:i,s:i}", "live_sensors", live, "previous", s->live_sensors));
    s->live_sensors = live;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    sf_live_stream *s = arg;
    publish_second(s);
    publish_sensor_changes(s);
    if (++s->ticks % KEEPALIVE_SECONDS == 0)
        send_all(s, ": keep-alive\n\n");
}

sf_live_stream *sf_live_stream_new(struct event_base *base, sf_sensor_registry *sensors,
                                   int max_subscribers)
{
    sf_live_stream *s = calloc(1, sizeof *s);
    s->sensors = sensors;
    s->max = max_subscribers;
    s->tick = event_new(base, -1, EV_PERSIST, on_tick, s);
    struct timeval one = {1, 0};
    event_add(s->tick, &one);
    return s;
}

void sf_live_stream_subscribe(sf_live_stream *s, sf_request *r)
{
    if (s->count >= s->max) {
        sf_reply_add_header(r, "Retry-After", "5");
        sf_reply_error(r, 503, "Too many live-stream subscribers");
        return;
    }
    subscriber *sub = calloc(1, sizeof *sub);
    struct evkeyvalq *out = evhttp_request_get_output_headers(r->req);
    evhttp_add_header(out, "Content-Type", "text/event-stream");
    evhttp_add_header(out, "Cache-Control", "no-cache");
    evhttp_add_header(out, "X-Correlation-ID", r->correlation_id);
    evhttp_add_header(out, "X-Accel-Buffering", "no");
    sf_cors_add_headers(r, out); /* an EventSource from an allowed origin */
    sub->req = r->req;
    sub->conn = evhttp_request_get_connection(r->req);
    sub->stream = s;
    sub->next = s->subs;
    s->subs = sub;
    s->count++;
    evhttp_connection_set_closecb(sub->conn, on_closed, sub);
    evhttp_send_reply_start(r->req, 200, "OK");
    struct evbuffer *hello = evbuffer_new();
    evbuffer_add_printf(hello, "retry: 3000\n: connected\n\n");
    evhttp_send_reply_chunk(r->req, hello);
    evbuffer_free(hello);
    sf_request_release(r); /* the stream owns the HTTP request now */
}

json_t *sf_anomaly_item_json(const sf_ingest_item *it)
{
    char detected[SF_RFC3339_LEN], ts[SF_RFC3339_LEN];
    const sf_record *rec = &it->rec;
    char first[SF_RFC3339_LEN];
    sf_time_format(it->ts_us, first, sizeof first);
    return json_pack("{s:I,s:s,s:f,s:s,s:O,s:b,s:s,s:O,s:n,s:{s:I,s:s,s:s,s:i,s:f,s:s},s:i,s:s,s:s}",
                     "id", (json_int_t)(it->anomaly_id ? it->anomaly_id : it->traffic_id), "detected_at",
                     sf_time_format(sf_now_us(), detected, sizeof detected), "anomaly_score",
                     it->score < 0 ? 0.0 : it->score, "anomaly_type", it->anomaly_type,
                     "features", it->features ? it->features : json_null(), "is_resolved", 0,
                     "severity", it->severity, "reasons", it->reasons ? it->reasons : json_null(),
                     "label", "traffic_log", "id", (json_int_t)it->traffic_id, "endpoint",
                     rec->endpoint, "method", rec->method, "status_code", rec->status_code,
                     "response_time_ms", rec->response_time_ms, "timestamp",
                     sf_time_format(it->ts_us, ts, sizeof ts), "count", 1, "first_seen", first,
                     "last_seen", first);
}

void sf_live_stream_note_job(sf_live_stream *s, const sf_ingest_job *job)
{
    if (job->duplicate)
        return;
    second_counts *c = &s->now;
    for (size_t i = 0; i < job->count; i++) {
        const sf_ingest_item *it = &job->items[i];
        c->requests++;
        c->errors += it->rec.status_code >= 400;
        c->server_errors += it->rec.status_code >= 500;
        c->anomalies += it->is_anomaly;
        c->sum_ms += it->rec.response_time_ms;
        sf_hist_add(&c->hist, it->rec.response_time_ms);
        if (it->is_anomaly && it->incident_opened && s->subs) /* each new incident once */
            publish(s, "anomaly", sf_anomaly_item_json(it));
    }
}

int sf_live_stream_subscribers(const sf_live_stream *s) { return s->count; }

void sf_live_stream_free(sf_live_stream *s)
{
    if (!s)
        return;
    while (s->subs) {
        subscriber *sub = s->subs;
        evhttp_connection_set_closecb(sub->conn, NULL, NULL);
        evhttp_send_reply_end(sub->req);
        drop(s, sub);
    }
    event_free(s->tick);
    free(s);
}
