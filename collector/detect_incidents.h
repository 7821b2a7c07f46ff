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
 * latency_regression). Each payload class is its own family per client.
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

/* Notes a finding of family about subject at ts_us. Writes the incident's key and
 * returns whether this finding opened it. *job_slot: the entry's slot in the current job's
 * update list (-1 when the job has none yet; set it after adding one); job_serial tells
 * jobs apart. */
bool sf_incident_note(sf_incident_table *t, const char *family, const char *subject,
                      bool demo, int64_t ts_us, int64_t quiet_us, uint64_t job_serial,
                      char key[SF_INCIDENT_KEY_MAX], long **job_slot);

#endif
