/* The live stream behind GET /api/stream (Server-Sent Events): once a second an
 * `event: traffic` with that second's stored requests, errors, anomalies and latency; an
 * `event: anomaly` for each new anomaly (the shape of an /api/anomalies item); an
 * `event: sensor` when a sensor appears or goes quiet (5 min); a comment every 15 s to
 * keep proxies from closing the connection. Runs on the loop thread only. Subscribers are
 * capped, and one that does not read (more than 1 MiB waiting) is dropped. */
#ifndef SF_LIVE_STREAM_H
#define SF_LIVE_STREAM_H

#include <event2/event.h>

#include "collector/http_server.h"
#include "collector/ingest_job.h"
#include "collector/sensor_registry.h"

typedef struct sf_live_stream sf_live_stream;

sf_live_stream *sf_live_stream_new(struct event_base *base, sf_sensor_registry *sensors,
                                   int max_subscribers);
/* Takes over the request: answers 200 text/event-stream and keeps it open (503 when
 * full). */
void sf_live_stream_subscribe(sf_live_stream *s, sf_request *r);
/* A job's records were stored: count them and announce its anomalies. */
void sf_live_stream_note_job(sf_live_stream *s, const sf_ingest_job *job);
int sf_live_stream_subscribers(const sf_live_stream *s);
void sf_live_stream_free(sf_live_stream *s);

/* The JSON of an anomaly as /api/anomalies lists it, from a just-stored item. */
json_t *sf_anomaly_item_json(const sf_ingest_item *it);

#endif
