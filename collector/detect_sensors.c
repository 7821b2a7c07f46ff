/* Sensors that stop reporting (see detect_sensors.h). */
#include "collector/detect_sensors.h"

#include <event2/event.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/app.h"
#include "collector/detect_incidents.h"
#include "collector/detect_verdict.h"
#include "common/log.h"
#include "common/time_util.h"

#define CHECK_EVERY_S 5
#define ID_MAX 257

typedef struct watched {
    char id[ID_MAX];
    int64_t first_us, last_us;
    int64_t heartbeats;
    int64_t reported_for_us;  /* the last_us whose silence was reported (0: none) */
} watched;

struct sf_sensor_watch {
    pthread_mutex_t lock;
    watched items[SF_SENSOR_WATCH_MAX];
    int count;
};

sf_sensor_watch *sf_sensor_watch_new(void)
{
    sf_sensor_watch *w = calloc(1, sizeof *w);
    if (w)
        pthread_mutex_init(&w->lock, NULL);
    return w;
}

void sf_sensor_watch_free(sf_sensor_watch *w)
{
    if (w) {
        pthread_mutex_destroy(&w->lock);
        free(w);
    }
}

void sf_sensor_watch_heartbeat(sf_sensor_watch *w, const char *sensor_id, int64_t now_us)
{
    pthread_mutex_lock(&w->lock);
    int at = -1, oldest = 0;
    for (int i = 0; i < w->count && at < 0; i++) {
        if (strcmp(w->items[i].id, sensor_id) == 0)
            at = i;
        else if (w->items[i].last_us < w->items[oldest].last_us)
            oldest = i;
    }
    if (at < 0) {
        at = w->count < SF_SENSOR_WATCH_MAX ? w->count++ : oldest;
        memset(&w->items[at], 0, sizeof w->items[at]);
        snprintf(w->items[at].id, ID_MAX, "%s", sensor_id);
        w->items[at].first_us = now_us;
    }
    w->items[at].last_us = now_us;
    w->items[at].heartbeats++;
    pthread_mutex_unlock(&w->lock);
}

static void report(sf_detectors *d, const watched *s, int64_t now_us, sf_ingest_job *job)
{
    char subject[SF_INCIDENT_SUBJECT_MAX], key[SF_INCIDENT_KEY_MAX], last[SF_RFC3339_LEN];
    long *slot;
    snprintf(subject, sizeof subject, "sensor %.140s", s->id);
    pthread_mutex_lock(&d->state_lock);
    sf_incident_note(d->incidents, "sensor", subject, false, now_us, d->cfg.incident_quiet_ms * 1000,
                     ++d->job_serial, key, &slot);
    pthread_mutex_unlock(&d->state_lock);
    sf_incident_update *u = sf_ingest_job_add_incident(job);
    if (!u)
        return;
    double silent_s = (double)(now_us - s->last_us) / 1e6, limit_s = (double)d->cfg.sensor_silence_ms / 1000;
    snprintf(u->key, sizeof u->key, "%s", key);
    snprintf(u->subject, sizeof u->subject, "%s", subject);
    snprintf(u->route, sizeof u->route, "sensor %.140s", s->id);
    u->type = "sensor_silence";
    u->rank = sf_type_rank("sensor_silence");
    u->score = sf_grade(silent_s, limit_s);
    u->severity = u->score >= 0.9 ? "critical" : "high";
    u->detector = "behaviour";
    u->first_us = u->last_us = now_us;
    u->count = 1;
    char why[SF_FINDING_REASON_MAX];
    snprintf(why, sizeof why, "sensor %.140s stopped reporting: no heartbeat for %.0f s (last at %s; "
             "it sent one every %.0f s before; limit %.0f s)", s->id, silent_s,
             sf_time_format(s->last_us, last, sizeof last),
             s->heartbeats > 1 ? (double)(s->last_us - s->first_us) / 1e6 / (double)(s->heartbeats - 1) : 0,
             limit_s);
    u->reasons = json_pack("[s]", why);
    u->features = json_pack("{s:f,s:I}", "silent_seconds", silent_s, "heartbeats", (json_int_t)s->heartbeats);
}

void sf_sensor_watch_check(sf_sensor_watch *w, sf_detectors *d, int64_t now_us, sf_ingest_job *job)
{
    int64_t limit_us = d->cfg.sensor_silence_ms * 1000;
    watched silent[16];
    int n = 0;
    pthread_mutex_lock(&w->lock);
    for (int i = 0; i < w->count && n < 16; i++) {
        watched *s = &w->items[i];
        if (s->heartbeats >= 2 && now_us - s->last_us >= limit_us && s->reported_for_us != s->last_us) {
            s->reported_for_us = s->last_us;
            silent[n++] = *s;
        }
    }
    pthread_mutex_unlock(&w->lock);
    for (int i = 0; i < n; i++)
        report(d, &silent[i], now_us, job);
}

/* ---- the timer ---- */

static void stored(sf_ingest_job *job)
{
    if (job->status != 200)
        sf_logf(SF_LOG_WARN, "sensor silence incidents not stored (status %d)", job->status);
    sf_ingest_job_free(job);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    sf_app *app = arg;
    sf_ingest_job *job = sf_ingest_job_new();
    if (!job)
        return;
    sf_sensor_watch_check(app->sensor_watch, &app->detectors, sf_now_us(), job);
    job->done = stored;
    if (job->n_incidents == 0 || sf_db_writer_submit(app->writer, job) != 0)
        sf_ingest_job_free(job);
}

void sf_sensor_watch_start(sf_app *app)
{
    app->sensor_watch_timer = event_new(app->base, -1, EV_PERSIST, on_tick, app);
    struct timeval every = {CHECK_EVERY_S, 0};
    if (app->sensor_watch_timer)
        event_add(app->sensor_watch_timer, &every);
}

void sf_sensor_watch_stop(sf_app *app)
{
    if (app->sensor_watch_timer) {
        event_free(app->sensor_watch_timer);
        app->sensor_watch_timer = NULL;
    }
}
