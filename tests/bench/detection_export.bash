# Exports what the detection checks read from a collector's database (not a script of its
# own: sourced by tests/bench/detection_report.sh and tests/integration/detection_pipeline.sh).
#   detection_export CONNINFO DIR   writes DIR/traffic.csv and DIR/anomalies.csv
# traffic.csv: id, epoch, client address, route, status, flagged, type, score, user agent,
# server port. The per-record type is the traffic row's own when the collector keeps one
# there, else the type of the anomaly row that points at the record. anomalies.csv: id,
# traffic id, type, score, reasons (JSON), traffic epoch, occurrences (1 when the collector
# does not count them), subject ("client 1.2.3.4", "route GET /login"), first and last seen
# (epoch; the last three empty when the collector does not keep incidents).
detection_export() {
  local conn=$1 dir=$2 type_expr count_expr=1 incident_expr="'', NULL, NULL" c
  _dx_sql() { psql "$conn" -XAtq "$@"; }
  _dx_has() { [ "$(_dx_sql -c "SELECT count(*) FROM information_schema.columns WHERE table_name='$1' AND column_name='$2'")" = 1 ]; }
  if _dx_has traffic_logs anomaly_type; then type_expr="coalesce(t.anomaly_type, '')"
  else type_expr="coalesce((SELECT a.anomaly_type FROM anomalies a WHERE a.traffic_id = t.id ORDER BY a.id LIMIT 1), '')"; fi
  for c in count occurrences event_count; do _dx_has anomalies "$c" && { count_expr="a.$c"; break; }; done
  _dx_has anomalies subject && _dx_has anomalies first_seen && _dx_has anomalies last_seen &&
    incident_expr="coalesce(a.subject, ''), extract(epoch FROM a.first_seen), extract(epoch FROM a.last_seen)"
  _dx_sql -c "\\copy (SELECT t.id, extract(epoch FROM t.ts), host(t.ip_address), t.route, t.status_code,
    t.is_anomaly, $type_expr, coalesce(t.anomaly_score, 0), coalesce(t.user_agent, ''), t.server_port
    FROM traffic_logs t ORDER BY t.ts, t.id) TO '$dir/traffic.csv' CSV" &&
  _dx_sql -c "\\copy (SELECT a.id, coalesce(a.traffic_id, 0), a.anomaly_type, a.anomaly_score, a.reasons::text,
    extract(epoch FROM coalesce(a.traffic_ts, now())), $count_expr, $incident_expr FROM anomalies a ORDER BY a.id)
    TO '$dir/anomalies.csv' CSV"
}
