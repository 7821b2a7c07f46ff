/* A job's traffic rows in binary COPY form, built by the ingest worker that scored the
 * job, so the writer — the one thread every record passes through — only patches each
 * row's id in and hands the bytes to PostgreSQL. The column list and types are
 * SF_TRAFFIC_COPY's. */
#ifndef SF_TRAFFIC_ROWS_H
#define SF_TRAFFIC_ROWS_H

#include <stdint.h>

#include "collector/ingest_job.h"

#define SF_TRAFFIC_COPY "COPY traffic_logs (id, ts, endpoint, route, method, status_code, " \
    "response_time_ms, request_size_bytes, response_size_bytes, ip_address, user_agent, "      \
    "client_port, server_ip, server_port, host, query, http_version, content_type, "           \
    "x_forwarded_for, ttfb_us, duration_us, req_body_bytes, resp_body_bytes, flags, "          \
    "sensor_id, anomaly_score, is_anomaly, model_version, demo, ground_truth, anomaly_type) "  \
    "FROM STDIN "                                                                               \
    "WITH (FORMAT binary)"

/* Builds job->rows from its scored items (ids 0 until set). On allocation failure
 * job->rows.failed is set and the writer refuses the job. */
void sf_traffic_rows_build(sf_ingest_job *job);

/* Sets the id of item i's row (its traffic_id, assigned by the writer). */
void sf_traffic_rows_set_id(sf_ingest_job *job, size_t i, int64_t id);

#endif
