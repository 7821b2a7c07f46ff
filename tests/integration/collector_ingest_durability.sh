# Acknowledged = committed, end to end: (a) a batch sent twice is stored once; (b) kill -9 of
# the collector while a client that retries until acknowledged sends SF_INGEST_RECORDS
# records (default 50,000; the issue's figure is 1 M): after restart exactly N rows, none
# lost, none twice; (c) an external PostgreSQL stopped and restarted during ingest: health
# says so meanwhile, the collector reconnects, nothing acknowledged is lost; (d) SIGTERM while
# records are queued: every acknowledged record is stored. Sanitizer build, no report.
source "$(dirname "$0")/lib.bash"
py=$(python3 -c "import sys; print(sys.executable)") # the pyenv shim alone can cost seconds a call
command -v psql >/dev/null && command -v cc >/dev/null || { echo "psql or cc not found"; exit 77; }
N=${SF_INGEST_RECORDS:-50000}
src=${SF_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
cc -O2 -std=c11 -Wall -Wextra -Werror -pthread "$src/tests/bench/ingest_load.c" \
  -o "$scratch/ingest_load" -lz || { echo "cannot build ingest_load"; exit 1; }
port=$(free_port)
base="http://127.0.0.1:$port"
log="$scratch/collector.log"
pid=
start() { # data-dir [args...]
  local dir=$1; shift
  "$SF_BIN/securaflow-collector" --data-dir "$dir" --listen "127.0.0.1:$port" "$@" >>"$log" 2>&1 &
  pid=$!
  cleanup_hooks+=("kill -9 $pid 2>/dev/null")
  wait_http "$base/api/health" 120
}
stop() { # signal
  kill "-$1" "$pid" 2>/dev/null
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}
conn=
sql() { psql "$conn" -XAtqc "$1"; }
rows() { sql "SELECT count(*) FROM traffic_logs"; }
wait_rows() { # at-least seconds
  for _ in $(seq 1 $(($2 * 10))); do [ "$(rows 2>/dev/null || echo 0)" -ge "$1" ] && return 0; sleep 0.1; done
  return 1
}
no_duplicates() { # every stored record is distinct (the load client's records differ in ip_address)
  [ "$(sql "SELECT count(*) - count(DISTINCT (ip_address, ts)) FROM traffic_logs")" = 0 ]
}
health() { curl -s -m 5 "$base/api/health"; }

# --- (a) and (b): embedded PostgreSQL, kill -9 during ingest ----------------------------------------
var="$scratch/var"
token=$("$SF_BIN/securaflow-collector" --data-dir "$var" token create durability 2>>"$log" | tail -n 1)
# tests/integration/external_pg.sh runs (a) and (b) on its TLS + SCRAM server by setting
# SECURAFLOW_DATABASE_URL for the collector and SF_TEST_DATABASE_URL for psql.
conn=${SF_TEST_DATABASE_URL:-"host=$var/pg user=securaflow dbname=securaflow"}
check "collector starts" start "$var"
"$py" - "$port" "$token" "$scratch/twice" <<'EOF'
import json, sys, http.client
port, token, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
recs = [{'endpoint': '/twice/%d' % i, 'method': 'GET', 'status_code': 500 if i % 10 == 0 else 200,
         'response_time_ms': i, 'ip_address': '192.0.2.%d' % i} for i in range(100)]
recs[5]['status_code'] = 42
body = json.dumps({'sensor_id': 'twice', 'batch_id': 'twice-1', 'records': recs})
answers = []
for _ in range(2):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    c.request('POST', '/api/traffic/batch', body, {'Authorization': 'Bearer ' + token})
    r = c.getresponse(); answers.append(json.loads(r.read())); assert r.status == 200
first, second = answers
ok = (first['duplicate'] is False and second['duplicate'] is True and first['accepted'] == 99
      and all(first[k] == second[k] for k in ('accepted', 'rejected', 'anomalies')))
print(first, second)
sys.exit(0 if ok else 1)
EOF
check "(a) the same batch twice: duplicate:true with the same counts" [ $? = 0 ]
check "(a) stored once" [ "$(sql "SELECT count(*) FROM traffic_logs WHERE sensor_id = 'twice'")" = 99 ]
check "(a) its anomalies stored once (incidents count each flagged record once)" [ \
  "$(sql "SELECT coalesce(sum(count), 0) FROM anomalies WHERE endpoint LIKE '/twice/%'")" = \
  "$(sql "SELECT count(*) FROM traffic_logs WHERE sensor_id = 'twice' AND is_anomaly")" ]
sql "DELETE FROM traffic_logs WHERE sensor_id = 'twice'"

SECURAFLOW_TOKEN="$token" "$scratch/ingest_load" --port "$port" --records "$N" --batch 1000 --conns 4 \
  --prefix crash --give-up 150 --acked-file "$scratch/acked" >"$scratch/client.out" 2>&1 &
client=$!
cleanup_hooks+=("kill -9 $client 2>/dev/null")
for round in 1 2; do
  check "(b) round $round: records arriving" wait_rows $((N * round / 4)) 120
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  sleep 0.5
  check "(b) round $round: restart after kill -9" start "$var"
done
wait "$client"
check "(b) the retrying client got every batch acknowledged" [ $? = 0 ]
cat "$scratch/client.out"
check "(b) it saw retries (the kills hit it)" bash -c "! grep -q 'retries=0 ' '$scratch/client.out'"
check "(b) exactly N=$N rows after the crashes" [ "$(rows)" = "$N" ]
check "(b) no record stored twice" no_duplicates
check "(b) one ingest_batches row per batch" [ "$(sql "SELECT count(*) FROM ingest_batches WHERE sensor_id = 'crash'")" = $(((N + 999) / 1000)) ]
check "(b) rollups count every record once" [ "$(sql "SELECT sum(request_count) FROM rollup_minute WHERE route NOT LIKE '/twice%'")" = "$N" ]
stop TERM
check "(b) no sanitizer report" bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' '$log'"

# --- (c) external PostgreSQL stopped and restarted during ingest ---------------------------------------
pgbin=${SF_PG_BIN:-/usr/lib/postgresql/15/bin}
pg="$scratch/extpg"
mkdir -p "$pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_user=$([ "$(id -u)" = 0 ] && echo postgres || id -un)
[ "$(id -u)" = 0 ] && chown postgres "$pg"
as_pg "$pgbin/initdb" -D "$pg/data" -U "$pg_user" -A trust >"$scratch/initdb.log" 2>&1
pg_start() { as_pg "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -t 60 \
  -o "-k $pg -c listen_addresses='' -c fsync=off" start >/dev/null; }
pg_stop() { as_pg "$pgbin/pg_ctl" -D "$pg/data" -m fast -w -t 60 stop >/dev/null; }
check "(c) throwaway PostgreSQL starts" pg_start
cleanup_hooks+=("as_pg '$pgbin/pg_ctl' -D '$pg/data' -m immediate stop >/dev/null 2>&1")
url="host=$pg dbname=postgres user=$pg_user"
conn=$url
token=$("$SF_BIN/securaflow-collector" --data-dir "$scratch/var2" --database-url "$url" token create outage 2>>"$log" | tail -n 1)
check "(c) collector on the external database" start "$scratch/var2" --database-url "$url"
M=$((N / 2))
SECURAFLOW_TOKEN="$token" "$scratch/ingest_load" --port "$port" --records "$M" --batch 1000 --conns 4 \
  --prefix outage --give-up 150 --acked-file "$scratch/acked2" >"$scratch/client2.out" 2>&1 &
client=$!
check "(c) records arriving" wait_rows $((M / 5)) 120
check "(c) PostgreSQL stops" pg_stop
seen_down=0
for _ in $(seq 1 50); do
  h=$(health)
  if grep -q '"database":"disconnected"' <<<"$h" && ! grep -q '"status":"healthy"' <<<"$h"; then seen_down=1; break; fi
  sleep 0.2
done
echo "health during the outage: $h"
check "(c) health says the database is down (degraded or unhealthy) meanwhile" [ "$seen_down" = 1 ]
sleep 3
check "(c) the daemon answers during the outage" bash -c "curl -fs -m 5 -o /dev/null '$base/api/health'"
check "(c) PostgreSQL starts again" pg_start
wait "$client"
check "(c) the client got every batch acknowledged" [ $? = 0 ]
cat "$scratch/client2.out"
check "(c) exactly M=$M rows: nothing acknowledged lost, nothing twice" [ "$(rows)" = "$M" ]
check "(c) no record stored twice" no_duplicates
recovered=0
for _ in $(seq 1 100); do grep -q '"status":"healthy"' <<<"$(health)" && { recovered=1; break; }; sleep 0.2; done
check "(c) health is healthy again" [ "$recovered" = 1 ]

# --- (d) SIGTERM while records are queued -------------------------------------------------------------
sql "TRUNCATE traffic_logs, ingest_batches"
SECURAFLOW_TOKEN="$token" "$scratch/ingest_load" --port "$port" --records "$M" --batch 1000 --conns 6 \
  --prefix term --no-retry --acked-file "$scratch/acked3" >"$scratch/client3.out" 2>&1 &
client=$!
wait_rows 2000 60
queued=$(health | "$py" -c 'import json,sys; print(json.load(sys.stdin).get("ingest_queue", 0))')
echo "ingest_queue at SIGTERM: $queued"
check "(d) SIGTERM stops the collector (after draining)" stop TERM
wait "$client"
cat "$scratch/client3.out"
acked=$(wc -l <"$scratch/acked3")
stored=$(sql "SELECT count(*) FROM ingest_batches WHERE sensor_id = 'term'")
missing=$("$py" -c "
import subprocess, sys
acked = set(open('$scratch/acked3').read().split())
stored = set(subprocess.run(['psql', '$conn', '-XAtqc', \"SELECT batch_id FROM ingest_batches WHERE sensor_id = 'term'\"],
                            capture_output=True, text=True).stdout.split())
print(len(acked - stored))")
echo "acknowledged batches: $acked, stored batches: $stored"
check "(d) some batches were acknowledged before the stop" [ "$acked" -gt 0 ]
check "(d) every acknowledged batch is stored" [ "$missing" = 0 ]
check "(d) stored rows are exactly the stored batches' records" [ "$(rows)" = $((stored * 1000)) ]
pg_stop
check "no sanitizer report" bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' '$log'"
grep -E -A12 'ERROR: (Address|Leak)Sanitizer|runtime error' "$log" | head -40
finish
