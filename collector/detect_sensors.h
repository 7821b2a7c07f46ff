/* Sensors that stop reporting (detect.h): a sensor sends a heartbeat every 10 s; one that
 * has sent at least two and then stays silent for sensor_silence_ms (wall clock: sensors
 * report in real time) becomes a sensor_silence incident, reported once per silence. A
 * timer on the collector's loop checks every 5 s and hands the incidents to the writer as
 * a job without records. Bounded: SF_SENSOR_WATCH_MAX sensors, the longest silent one
 * forgotten when full. */
#ifndef SF_DETECT_SENSORS_H
#define SF_DETECT_SENSORS_H

#include <stdint.h>

#include "collector/detect.h"

#define SF_SENSOR_WATCH_MAX 1024

typedef struct sf_sensor_watch sf_sensor_watch;

sf_sensor_watch *sf_sensor_watch_new(void);
void sf_sensor_watch_free(sf_sensor_watch *w);
/* A heartbeat from sensor_id at now_us (thread-safe). */
void sf_sensor_watch_heartbeat(sf_sensor_watch *w, const char *sensor_id, int64_t now_us);
/* Adds a sensor_silence incident update to job for each sensor newly silent at now_us. */
void sf_sensor_watch_check(sf_sensor_watch *w, sf_detectors *d, int64_t now_us,
                           sf_ingest_job *job);

struct sf_app;
/* Starts the 5-second check on the app's loop (its writer stores what it finds). */
void sf_sensor_watch_start(struct sf_app *app);
void sf_sensor_watch_stop(struct sf_app *app);

#endif
