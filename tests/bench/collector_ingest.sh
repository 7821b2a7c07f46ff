#!/bin/bash
# Ingest figures for issue 5, side by side in one run against the same PostgreSQL (the
# collector's embedded one):
#   ours   records/s through POST /api/traffic/batch (gzip batches; acknowledged = scored and
#          committed), measured by tests/bench/ingest_load.c at several client counts (as
#          many sensors), the best one kept;
#   floor  a raw COPY of the same rows through psql into a same-shaped table;
#   insert one INSERT plus COMMIT per record (the reference's design), pgbench at several
#          client counts, the best one kept;
# then ratios against the goals (>= 100,000 records/s, >= 60 % of the floor, >= 10x insert).
# With RSS_MINUTES > 0 it then ingests for that long and prints the collector's RSS curve.
#
# Environment: SF_BIN_FAST (normal build, default build/bin), RECORDS (1000000), BATCH
# (5000), CONNS ("4 8 16": client connections, one run each), WORKERS (collector --ingest-workers, 2), INSERT_CLIENTS ("1 4 16 32"),
# INSERT_SECONDS (10), RSS_MINUTES (0), RSS_EVERY (5 s), RSS_RATE (records/s during the RSS
# run; 0 = flat out, which fills a disk in an hour), PORT (free), KEEP (keep the dir).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SF_BIN_FAST:-$root/build/bin}
RECORDS=${RECORDS:-1000000} BATCH=${BATCH:-5000} CONNS=${CONNS:-"4 8 16"} WORKERS=${WORKERS:-2}
INSERT_CLIENTS=${INSERT_CLIENTS:-"1 4 16 32"} INSERT_SECONDS=${INSERT_SECONDS:-10}
RSS_MINUTES=${RSS_MINUTES:-0} RSS_EVERY=${RSS_EVERY:-5} RSS_RATE=${RSS_RATE:-0}
pgbin=${SF_PG_BIN:-/usr/lib/postgresql/15/bin}
py=$(python3 -c "import sys; print(sys.executable)")
port=${PORT:-$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
dir=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-ingest-XXXXXX")
chmod 755 "$dir"
pid=
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

cc -O2 -std=c11 -Wall -Wextra -Werror -pthread "$root/tests/bench/ingest_load.c" -o "$dir/ingest_load" -lz
token=$("$bin/securaflow-collector" --data-dir "$dir/var" token create bench 2>"$dir/collector.log" | tail -n 1)
"$bin/securaflow-collector" --data-dir "$dir/var" --listen "127.0.0.1:$port" \
  --ingest-workers "$WORKERS" >>"$dir/collector.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/health" && break; sleep 0.1; done
conn="host=$dir/var/pg user=securaflow dbname=securaflow"
sql() { psql "$conn" -XAtqc "$1"; }
load() { # prefix records [connections [ingest_load options]]
  SECURAFLOW_TOKEN="$token" "$dir/ingest_load" --port "$port" --records "$2" --batch "$BATCH" \
    --conns "${3:-4}" --prefix "$1" "${@:4}"
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/"; }
# CPU seconds (user + system) used so far by one process, or by its descendants only.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
cpu_of_children() {
  local total=0 c
  for c in $(pgrep -P "$1"); do
    total=$("$py" -c "print($total + $(cpu_of "$c") + $(cpu_of_children "$c"))")
  done
  echo "$total"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (model auto-training on the first real records happens here)"
load warm 20000 >/dev/null
# The measured run must not share the CPU with that training: wait for the trained model.
# (Read from the database: GET /api/model needs a user token, the bench has an ingest one.)
# The site's model is retrained at each doubling of the traffic up to train_max_rows: wait
# until the one for the warm-up has landed and nothing trains any more.
for _ in $(seq 1 600); do
  v=$(sql "SELECT coalesce(max(version), 0) FROM models WHERE active AND params->>'source' = 'trained'")
  [ "${v:-0}" -ge 2 ] && sleep 3 && break
  sleep 0.2
done
echo "model version $v"
sql "TRUNCATE traffic_logs, anomalies, rollup_minute, ingest_batches"

ours=0 best_conns=0
for c in $CONNS; do
  echo "== ours: $RECORDS records, batches of $BATCH (gzip), $c connections, $WORKERS ingest workers"
  c0=$(cpu_of "$pid") p0=$(cpu_of_children "$pid")
  out=$(load "run$c" "$RECORDS" "$c")
  c1=$(cpu_of "$pid") p1=$(cpu_of_children "$pid")
  echo "$out"
  "$py" -c "print('cpu per record: collector %.1f us, its PostgreSQL %.1f us' % (($c1 - $c0) * 1e6 / $RECORDS, ($p1 - $p0) * 1e6 / $RECORDS))"
  stored=$(sql "SELECT count(*) FROM traffic_logs")
  [ "$stored" = "$RECORDS" ] || { echo "stored $stored rows, expected $RECORDS"; exit 1; }
  rps=$(field rps <<<"$out")
  if "$py" -c "import sys; sys.exit(0 if $rps > $ours else 1)"; then ours=$rps best_conns=$c; fi
  [ "$c" = "${CONNS##* }" ] || sql "TRUNCATE traffic_logs, anomalies, rollup_minute, ingest_batches"
done

echo "== floor: COPY of the same rows through psql into a same-shaped table"
sql "COPY (SELECT * FROM traffic_logs) TO STDOUT" >"$dir/rows.copy"
sql "CREATE TABLE bench_copy (LIKE traffic_logs INCLUDING ALL) PARTITION BY RANGE (ts);
     CREATE TABLE bench_copy_all PARTITION OF bench_copy DEFAULT;"
t0=$(date +%s.%N)
psql "$conn" -Xqc "\\copy bench_copy FROM '$dir/rows.copy'"
t1=$(date +%s.%N)
floor=$("$py" -c "print(round($RECORDS / ($t1 - $t0)))")
echo "copy: $RECORDS rows in $("$py" -c "print(round($t1 - $t0, 3))") s = $floor rows/s"

echo "== per-record INSERT + COMMIT (pgbench, ${INSERT_SECONDS}s per client count)"
sql "CREATE SEQUENCE bench_id; CREATE TABLE bench_insert (LIKE traffic_logs INCLUDING ALL) PARTITION BY RANGE (ts);
     CREATE TABLE bench_insert_all PARTITION OF bench_insert DEFAULT;"
cat >"$dir/insert.sql" <<'EOF'
\set i random(1, 1000000)
INSERT INTO bench_insert (id, ts, endpoint, route, method, status_code, response_time_ms, request_size_bytes, response_size_bytes, ip_address, user_agent, client_port, server_ip, server_port, host, http_version, ttfb_us, duration_us, sensor_id, anomaly_score, is_anomaly, model_version) VALUES (nextval('bench_id'), now(), '/api/users/' || :i, '/api/users/{id}', 'GET', 200, 12.5, 300, 4000, '10.1.2.3', 'Mozilla/5.0 (X11; Linux x86_64) load/1', 40000, '10.0.0.1', 443, 'shop.example', '1.1', 3000, 9000, 'load', 0.43, false, 1);
EOF
best=0 best_c=0
for c in $INSERT_CLIENTS; do
  j=$((c < $(nproc) ? c : $(nproc)))
  tps=$("$pgbin/pgbench" -n -h "$dir/var/pg" -U securaflow -f "$dir/insert.sql" -c "$c" -j "$j" \
    -T "$INSERT_SECONDS" securaflow 2>/dev/null | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  echo "insert: $c clients: $tps records/s"
  if "$py" -c "import sys; sys.exit(0 if $tps > $best else 1)"; then best=$tps best_c=$c; fi
done

"$py" - "$ours" "$floor" "$best" "$best_c" "$best_conns" <<'EOF'
import sys
ours, floor, ins, c, oc = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
print("== result")
print("ours   %10.0f records/s   (best at %s connections)   goal >= 100000: %s" % (ours, oc, "met" if ours >= 100000 else "NOT met"))
print("floor  %10.0f records/s   ours/floor = %.1f %%   goal >= 60 %%: %s" % (floor, 100 * ours / floor, "met" if ours >= 0.6 * floor else "NOT met"))
print("insert %10.0f records/s   (best at %s clients)   ours/insert = %.1fx   goal >= 10x: %s" % (ins, c, ours / ins, "met" if ours >= 10 * ins else "NOT met"))
EOF

[ "$RSS_MINUTES" -gt 0 ] || exit 0
echo "== RSS under sustained ingest for $RSS_MINUTES min (sample every ${RSS_EVERY}s)"
sql "DROP TABLE bench_copy, bench_insert"
end=$(($(date +%s) + RSS_MINUTES * 60))
rate=()
[ "$RSS_RATE" -gt 0 ] && rate=(--rate "$RSS_RATE")
(i=0; while [ "$(date +%s)" -lt "$end" ]; do load "rss$i" 200000 4 "${rate[@]}" >/dev/null; i=$((i + 1)); done) &
driver=$!
start=$(date +%s)
printf '%8s %10s %12s\n' seconds rss_kib rows
while kill -0 "$driver" 2>/dev/null; do
  printf '%8d %10s %12s\n' $(($(date +%s) - start)) "$(awk '/VmRSS/ {print $2}' /proc/$pid/status)" \
    "$(sql "SELECT sum(request_count) FROM rollup_minute")"
  sleep "$RSS_EVERY"
done
wait "$driver"
