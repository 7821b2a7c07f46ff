/* Versioned schema migrations (see db_migrations.h). Each step runs in its own
 * transaction with its row in schema_migrations; a step is never edited once released,
 * only followed by another. */
#include "collector/db_migrations.h"

#include <stdio.h>
#include <stdlib.h>

struct migration {
    int version;
    const char *name;
    const char *sql;
};

static const struct migration migrations[] = {
    {1, "traffic, rollups, anomalies, batches, sensors, tokens, models",
     /* Raw traffic, partitioned by day (partitions are made by the writer on demand and
      * dropped by the retention job). Ids come from blocks of traffic_id_block_seq, so
      * the collector can answer with a traffic_id before the row is written. */
     "CREATE SEQUENCE traffic_id_block_seq;"
     "CREATE TABLE traffic_logs ("
     "  id bigint NOT NULL, ts timestamptz NOT NULL,"
     "  received_at timestamptz NOT NULL DEFAULT now(),"
     "  endpoint text NOT NULL, route text NOT NULL, method text NOT NULL,"
     "  status_code smallint, response_time_ms double precision NOT NULL,"
     "  request_size_bytes bigint, response_size_bytes bigint,"
     "  ip_address inet, user_agent text, client_port integer, server_ip inet,"
     "  server_port integer, host text, query text, http_version text, content_type text,"
     "  x_forwarded_for text, ttfb_us bigint, duration_us bigint, req_body_bytes bigint,"
     "  resp_body_bytes bigint, flags integer NOT NULL DEFAULT 0, sensor_id text,"
     "  anomaly_score real, is_anomaly boolean NOT NULL DEFAULT false,"
     "  model_version integer, demo boolean NOT NULL DEFAULT false,"
     "  ground_truth boolean," /* demo generation's label: was this made as an anomaly */
     "  PRIMARY KEY (id, ts)"
     ") PARTITION BY RANGE (ts);"
     /* Per-minute aggregates per route template; hist is a sparse latency histogram
      * (pairs of bucket index and count, see latency_histogram.h). */
     "CREATE TABLE rollup_minute ("
     "  minute timestamptz NOT NULL, route text NOT NULL, method text NOT NULL,"
     "  request_count bigint NOT NULL, error_count bigint NOT NULL,"
     "  server_error_count bigint NOT NULL, anomaly_count bigint NOT NULL,"
     "  sum_ms double precision NOT NULL, max_ms double precision NOT NULL,"
     "  hist integer[] NOT NULL,"
     "  PRIMARY KEY (minute, route, method));"
     "CREATE INDEX rollup_minute_route ON rollup_minute (route, minute);"
     /* Merges two sparse histograms (pairs of bucket, count), adding counts per bucket. */
     "CREATE FUNCTION sf_hist_merge(a integer[], b integer[]) RETURNS integer[]"
     " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
     "  SELECT coalesce(array_agg(v ORDER BY k, o), '{}'::integer[])"
     "  FROM (SELECT k, sum(c)::integer AS c FROM ("
     "          SELECT a[i] AS k, a[i + 1] AS c FROM generate_subscripts(a, 1) AS i WHERE i % 2 = 1"
     "          UNION ALL"
     "          SELECT b[i], b[i + 1] FROM generate_subscripts(b, 1) AS i WHERE i % 2 = 1) pairs"
     "        GROUP BY k) merged"
     "  CROSS JOIN LATERAL (VALUES (0, k), (1, c)) AS kv(o, v) $$;"
     "CREATE TABLE anomalies ("
     "  id bigserial PRIMARY KEY, traffic_id bigint NOT NULL, traffic_ts timestamptz NOT NULL,"
     "  detected_at timestamptz NOT NULL DEFAULT now(),"
     "  anomaly_score double precision NOT NULL, anomaly_type text NOT NULL,"
     "  severity text NOT NULL CHECK (severity IN ('low','medium','high','critical')),"
     "  detector text NOT NULL, reasons jsonb NOT NULL, features jsonb NOT NULL,"
     "  model_version integer,"
     "  label text CHECK (label IN ('true_positive','false_positive')),"
     "  is_resolved boolean NOT NULL DEFAULT false, resolved_at timestamptz,"
     "  endpoint text NOT NULL, route text NOT NULL, method text NOT NULL,"
     "  status_code smallint, response_time_ms double precision NOT NULL,"
     "  demo boolean NOT NULL DEFAULT false);"
     "CREATE INDEX anomalies_recent ON anomalies (detected_at DESC, id DESC);"
     "CREATE INDEX anomalies_open ON anomalies (is_resolved, detected_at DESC, id DESC);"
     "CREATE INDEX anomalies_traffic ON anomalies (traffic_id);"
     "CREATE TABLE ingest_batches ("
     "  sensor_id text NOT NULL, batch_id text NOT NULL,"
     "  accepted integer NOT NULL, rejected jsonb NOT NULL, anomalies integer NOT NULL,"
     "  stored_at timestamptz NOT NULL DEFAULT now(),"
     "  PRIMARY KEY (sensor_id, batch_id));"
     "CREATE TABLE sensors ("
     "  sensor_id text PRIMARY KEY, hostname text, interface text, version text,"
     "  first_seen timestamptz NOT NULL DEFAULT now(),"
     "  last_seen timestamptz NOT NULL DEFAULT now(), stats jsonb NOT NULL DEFAULT '{}');"
     "CREATE TABLE ingest_tokens ("
     "  id serial PRIMARY KEY, name text NOT NULL UNIQUE, token_hash bytea NOT NULL UNIQUE,"
     "  created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz);"
     "CREATE TABLE models ("
     "  version serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(),"
     "  training_rows bigint NOT NULL, params jsonb NOT NULL, threshold double precision NOT NULL,"
     "  blob bytea NOT NULL, active boolean NOT NULL DEFAULT false);"
     "CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active;"
     "CREATE TABLE model_performance ("
     "  id serial PRIMARY KEY, model_version integer,"
     "  evaluation_date timestamptz NOT NULL DEFAULT now(),"
     "  total_predictions integer NOT NULL, true_positives integer NOT NULL,"
     "  false_positives integer NOT NULL, true_negatives integer NOT NULL,"
     "  false_negatives integer NOT NULL, precision double precision NOT NULL,"
     "  recall double precision NOT NULL, f1_score double precision NOT NULL,"
     "  accuracy double precision NOT NULL, auc_roc double precision,"
     "  avg_anomaly_score double precision NOT NULL, threshold_used double precision NOT NULL);"},
    {2, "indexes for demo data and labelled traffic",
     /* Evaluation reads labelled rows and demo deletion reads demo rows: both were scans
      * of every partition. Partial indexes stay small (only such rows are in them). */
     "CREATE INDEX traffic_logs_demo ON traffic_logs (ts) WHERE demo;"
     "CREATE INDEX traffic_logs_labelled ON traffic_logs (ts) WHERE ground_truth IS NOT NULL;"},
    {3, "user accounts",
     /* token_generation goes up when a password changes or an account is disabled: tokens
      * carrying an older generation stop working. change_seq orders every change so each
      * collector can read only what changed since its last look. */
     "CREATE SEQUENCE users_change_seq;"
     "CREATE TABLE users ("
     "  id bigserial PRIMARY KEY, email text NOT NULL, username text NOT NULL UNIQUE,"
     "  password_hash text NOT NULL, role text NOT NULL CHECK (role IN ('admin','analyst')),"
     "  is_active boolean NOT NULL DEFAULT true, token_generation integer NOT NULL DEFAULT 1,"
     "  created_at timestamptz NOT NULL DEFAULT now(), last_login timestamptz,"
     "  change_seq bigint NOT NULL DEFAULT nextval('users_change_seq'));"
     "CREATE UNIQUE INDEX users_email ON users (lower(email));"
     "CREATE INDEX users_change ON users (change_seq);"},
    {4, "incidents: one anomaly per attack, with count and first and last seen",
     /* An anomaly is an incident now (detect_incidents.h): found again while open, it is
      * updated (count, last_seen, strongest type and score) instead of adding a row. Its key
      * is family|subject|first seen; traffic_id is the record that opened it, NULL for an
      * incident without one (a route gone quiet, a silent sensor). Each record keeps its
      * own verdict on its traffic row, now with its type. Earlier rows become incidents of
      * one record. */
     "ALTER TABLE traffic_logs ADD COLUMN anomaly_type text;"
     "ALTER TABLE anomalies ADD COLUMN incident_key text, ADD COLUMN subject text,"
     "  ADD COLUMN count bigint NOT NULL DEFAULT 1, ADD COLUMN first_seen timestamptz,"
     "  ADD COLUMN last_seen timestamptz, ADD COLUMN type_rank smallint NOT NULL DEFAULT 0,"
     "  ALTER COLUMN traffic_id DROP NOT NULL, ALTER COLUMN traffic_ts DROP NOT NULL;"
     "UPDATE anomalies SET incident_key = 'record|' || id, first_seen = traffic_ts,"
     "  last_seen = traffic_ts;"
     "ALTER TABLE anomalies ALTER COLUMN incident_key SET NOT NULL,"
     "  ALTER COLUMN first_seen SET NOT NULL, ALTER COLUMN last_seen SET NOT NULL;"
     "CREATE UNIQUE INDEX anomalies_incident ON anomalies (incident_key);"
     /* ids came from traffic ids: new incidents take theirs from the sequence, past them */
     "SELECT setval(pg_get_serial_sequence('anomalies', 'id'),"
     "  greatest((SELECT max(id) FROM anomalies), 1));"},
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

int sf_db_schema_version(void) { return migrations[MIGRATION_COUNT - 1].version; }

static int exec_ok(PGconn *conn, const char *sql, char *err, size_t err_size)
{
    PGresult *r = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
    PQclear(r);
    return ok ? 0 : -1;
}

static int current_version(PGconn *conn)
{
    PGresult *r = PQexec(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    int v = PQresultStatus(r) == PGRES_TUPLES_OK ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return v;
}

static int apply_one(PGconn *conn, const struct migration *m, char *err, size_t err_size)
{
    char record[256];
    snprintf(record, sizeof record, "INSERT INTO schema_migrations (version, name) VALUES (%d, '%s')",
             m->version, m->name);
    if (exec_ok(conn, "BEGIN", err, err_size) || exec_ok(conn, m->sql, err, err_size) ||
        exec_ok(conn, record, err, err_size) || exec_ok(conn, "COMMIT", err, err_size)) {
        char reason[512];
        snprintf(reason, sizeof reason, "%s", err);
        snprintf(err, err_size, "migration %d (%s) failed: %s", m->version, m->name, reason);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    return 0;
}

int sf_db_migrate(PGconn *conn, char *err, size_t err_size)
{
    /* The lock first: collectors starting together on one database (behind a load
     * balancer) would otherwise race to create schema_migrations itself. */
    if (exec_ok(conn, "SELECT pg_advisory_lock(7265813)", err, err_size))
        return -1;
    if (exec_ok(conn, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
                      " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                err, err_size)) {
        char ignored[256];
        exec_ok(conn, "SELECT pg_advisory_unlock(7265813)", ignored, sizeof ignored);
        return -1;
    }
    int have = current_version(conn), rc = 0;
    if (have > sf_db_schema_version()) {
        snprintf(err, err_size, "database schema version %d is newer than this collector's (%d)",
                 have, sf_db_schema_version());
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < MIGRATION_COUNT; i++)
        if (migrations[i].version > have)
            rc = apply_one(conn, &migrations[i], err, err_size);
    char ignored[256];
    exec_ok(conn, "SELECT pg_advisory_unlock(7265813)", ignored, sizeof ignored);
    return rc;
}
