/* Incidents (detect.h): one open anomaly per (pattern family, subject), where the subject
 * is a client, a route or a sensor. A finding either joins the open incident of its
 * family and subject or, when there is none or it has been quiet for incident_quiet_ms
 * (traffic time), opens a new one. An incident's key is family|subject|first seen, so the
 * writer can upsert it (count, first and last seen, strongest type) in the anomalies
 * table without asking which ones are open.
 *
 * Families group the types one attack moves through: a client's findings (forest,
 * endpoint scan, brute force, flood) are one incident that takes the strongest type; so
 * are a route's 5xx (server_error, error_rate_spike) and its latency (response_time_spike,
 * latency_regression). A client's payload findings join its incident too.
 *
 * Which type names a client's incident: the forest's pattern_anomaly only when nothing
 * specific fired; among the specific types (payload classes, scan, brute force, flood) the
 * one with the most records, ties to the higher rank. So a scan that probes a few
 * /.htaccess-like paths among its forty stays an endpoint_scan (the probes keep their own
 * type on their traffic rows), and an injection run stays an injection. Route families
 * (errors, latency, size) take the strongest type at once: their stronger type is the
 * same symptom grown (a 5xx burst becoming an error-rate spike).
 *
 * Memory: a fixed table (incident_table_size); when a probe window is full the least
 * recently seen incident is forgotten (its next finding opens a new one). */
#ifndef SF_DETECT_INCIDENTS_H
#define SF_DETECT_INCIDENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "collector/ingest_job.h"

typedef struct sf_incident_table sf_incident_table;

sf_incident_table *sf_incident_table_new(uint32_t capacity);
void sf_incident_table_free(sf_incident_table *t);
/* Open incidents forgotten so far because their probe window was full. */
uint64_t sf_incident_table_evictions(const sf_incident_table *t);

/* Notes a finding of family about subject at ts_us. Writes the incident's key and
 * returns whether this finding opened it. *job_slot: the entry's slot in the current job's
 * update list (-1 when the job has none yet; set it after adding one); job_serial tells
 * jobs apart. */
bool sf_incident_note(sf_incident_table *t, const char *family, const char *subject,
                      bool demo, int64_t ts_us, int64_t quiet_us, uint64_t job_serial,
                      char key[SF_INCIDENT_KEY_MAX], long **job_slot);

/* The weight of a finding of this rank in the incident the last sf_incident_note named,
 * counting it: count of its type so far × 100 + rank. It only grows while the leading
 * type leads, so the writer's "higher weight wins" keeps the type with the most records. */
int sf_incident_weigh(sf_incident_table *t, int rank);

#endif
