# Two collectors behind HAProxy (Debian's haproxy, round robin: every client's requests
# land on both) on one PostgreSQL, sharing a JWT key file. Both start at once on an empty
# database (migrations serialised). Three senders (tests/bench/ingest_load.c, retrying)
# and a probe of one-record batches go through HAProxy; mid-way collector a is killed
# with kill -9 and started again. Checks: every acknowledged record is stored exactly
# once, no sender's batch waited longer than STALL_MAX s, a session (JWT) and an ingest
# token stay valid on the other collector while a is dead and on a after its restart, a
# token made on the shared database works on both at once, both collectors use the same
# model version and follow a retraining, and a per-collector rate limit lets through at
# most its limit times the number of collectors (the documented bound, docs/scaling.md).
# The 1 M-record version with figures is tests/bench/multi_collector.sh.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/multi_collector_lib.bash"
command -v haproxy >/dev/null || { echo "haproxy not found (apt-get install haproxy)"; exit 77; }
command -v psql >/dev/null && command -v cc >/dev/null || { echo "psql or cc not found"; exit 77; }
src=${SF_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
N=${SF_MC_RECORDS:-30000}      # records over all senders
SENDERS=3
STALL_MAX=${SF_MC_STALL_MAX:-15}
cc -O2 -std=c11 -Wall -Wextra -Werror -pthread "$src/tests/bench/ingest_load.c" \
  -o "$scratch/ingest_load" -lz || { echo "cannot build ingest_load"; exit 1; }
opts=(--rate-limit 1000000 --login-rate-limit 10)

check "PostgreSQL starts" mc_start_pg -c fsync=off
mc_start_collector a "${opts[@]}"
mc_start_collector b "${opts[@]}"
check "collector a starts (both migrating one empty database at once)" mc_wait_collector a
check "collector b starts" mc_wait_collector b
check "the schema was migrated once" test "$(mc_sql "SELECT count(*) = count(DISTINCT version) FROM schema_migrations")" = t
check "HAProxy starts in front of both" mc_start_haproxy a b
front="http://127.0.0.1:$mc_front"
api() { # collector-port path [curl args...]: prints the HTTP status
  local port=$1 path=$2; shift 2
  curl -s -o "$scratch/api.out" -w '%{http_code}' "$@" "http://127.0.0.1:$port$path"
}
jwt=$(PYTHONPATH="$(dirname "$0")" python3 -c \
  'import sys, collector_api_lib as l; print(l.token_for("admin"))' "$front")
bearer=(-H "Authorization: Bearer $jwt")
check "a session made through HAProxy is valid on a" test "$(api "${mc_port[a]}" /api/model "${bearer[@]}")" = 200
check "... and on b (shared jwt_key_file)" test "$(api "${mc_port[b]}" /api/model "${bearer[@]}")" = 200
version_of() { api "${mc_port[$1]}" /api/model "${bearer[@]}" >/dev/null
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$scratch/api.out"; }
check "both score with the same model version ($(version_of a), $(version_of b))" test "$(version_of a)" = "$(version_of b)"

tokens=()
for i in $(seq 1 $SENDERS); do tokens+=("$(mc_token "sender-$i")"); done
probe_token=$(mc_token probe)
mc_start_probe "$probe_token"
per=$((N / SENDERS))
senders=()
for i in $(seq 1 $SENDERS); do
  SECURAFLOW_TOKEN="${tokens[$((i - 1))]}" "$scratch/ingest_load" --port "$mc_front" --records "$per" \
    --batch 500 --conns 2 --prefix "s$i" --give-up 120 --acked-file "$scratch/acked-$i" \
    >"$scratch/sender-$i.out" 2>&1 &
  senders+=($!)
  cleanup_hooks+=("kill -9 $! 2>/dev/null")
done
rows() { mc_sql "SELECT count(*) FROM traffic_logs WHERE sensor_id LIKE 's_'"; }
for _ in $(seq 1 600); do [ "$(rows)" -ge $((N / 3)) ] && break; sleep 0.1; done
check "records arrive through HAProxy ($(rows) before the kill)" test "$(rows)" -ge $((N / 3))

t_kill=$(date +%s.%N)
mc_kill9 a
# While a is dead: b still honours the session and the ingest tokens; a token made now on
# the shared database works on b at once.
check "while a is dead, the session is valid on b" test "$(api "${mc_port[b]}" /api/model "${bearer[@]}")" = 200
late=$(mc_token late)
one='{"sensor_id":"late","batch_id":"late-1","records":[{"endpoint":"/late","method":"GET","status_code":200,"response_time_ms":1,"ip_address":"192.0.2.9"}]}'
check "a token made while a is dead works on b at once" \
  test "$(api "${mc_port[b]}" /api/traffic/batch -H "Authorization: Bearer $late" -H 'Content-Type: application/json' -d "$one")" = 200
sleep 2
mc_start_collector a "${opts[@]}"
check "a starts again after kill -9" mc_wait_collector a
check "the session made before the kill is valid on the restarted a" \
  test "$(api "${mc_port[a]}" /api/model "${bearer[@]}")" = 200
check "the token made while a was dead works on a" \
  test "$(api "${mc_port[a]}" /api/traffic/batch -H "Authorization: Bearer $late" -H 'Content-Type: application/json' -d "$one")" = 200
check "... and the resent batch is a duplicate" grep -q '"duplicate":true' "$scratch/api.out"

for i in $(seq 1 $SENDERS); do
  wait "${senders[$((i - 1))]}"
  check "sender $i: every batch acknowledged" test $? = 0
  cat "$scratch/sender-$i.out"
  stall=$(sed -nE 's/.* max_batch_s=([0-9.]+).*/\1/p' "$scratch/sender-$i.out")
  check "sender $i: no batch waited longer than ${STALL_MAX} s (longest ${stall:-?} s)" \
    awk -v s="${stall:-999}" -v m="$STALL_MAX" 'BEGIN { exit !(s <= m) }'
done
sleep 1
mc_stop_probe
echo "probe after the kill: $(mc_failover_report "$t_kill")"
check "exactly N=$N sender records stored ($(rows))" test "$(rows)" = "$N"
check "no sender record stored twice" \
  test "$(mc_sql "SELECT count(*) - count(DISTINCT (sensor_id, ip_address, ts)) FROM traffic_logs WHERE sensor_id LIKE 's_'")" = 0
check "one ingest_batches row per sender batch" \
  test "$(mc_sql "SELECT count(*) FROM ingest_batches WHERE sensor_id LIKE 's_'")" = $((SENDERS * ((per + 499) / 500)))
cat "$scratch"/acked-* | sort >"$scratch/acked"
mc_sql "SELECT batch_id FROM ingest_batches WHERE sensor_id LIKE 's_'" | sort >"$scratch/stored"
check "every acknowledged batch is stored" test -z "$(comm -23 "$scratch/acked" "$scratch/stored" | head -n 3)"
acked_probes=$(awk '$3 == 200' "$scratch/probe.log" | wc -l)
stored_probes=$(mc_sql "SELECT count(*) FROM traffic_logs WHERE sensor_id = 'probe'")
check "every acknowledged probe record is stored, once ($acked_probes acknowledged, $stored_probes stored)" \
  test "$stored_probes" -ge "$acked_probes" -a "$stored_probes" = "$(mc_sql "SELECT count(DISTINCT endpoint) FROM traffic_logs WHERE sensor_id = 'probe'")"

# Model versions: a retraining asked through HAProxy reaches both collectors.
before=$(version_of b)
api "$mc_front" /api/model/train "${bearer[@]}" -X POST >/dev/null
for _ in $(seq 1 300); do
  va=$(version_of a); vb=$(version_of b)
  [ "$va" = "$vb" ] && [ "$va" -gt "$before" ] && break
  sleep 0.2
done
check "after a retraining both use the same new model version (a $va, b $vb, before $before)" \
  test "$va" = "$vb" -a "$va" -gt "$before"
check "exactly one active model in the database" test "$(mc_sql "SELECT count(*) FROM models WHERE active")" = 1

# Rate limits are per collector: through round robin, at most limit x collectors pass.
# Token buckets refill continuously (10 a minute: one every 6 s), so the bound counts the
# refills during the attempts too: 2 x (10 + elapsed / 6).
t_rl=$SECONDS
statuses=$(for i in $(seq 1 40); do
  curl -s -o /dev/null -w '%{http_code}\n' -d 'username=nobody&password=wrong' "$front/api/auth/login"
done | sort | uniq -c | tr '\n' ' ')
allowed=$(sed -nE 's/.* ([0-9]+) 401.*/\1/p' <<<" $statuses")
bound=$((2 * (10 + (SECONDS - t_rl + 1) / 6 + 1)))
check "login limit 10/min per collector, 2 collectors: ${allowed:-0} of 40 attempts passed (bound $bound; answers: $statuses)" \
  test "${allowed:-0}" -le "$bound" -a "${allowed:-0}" -gt 10

check "a stops cleanly" mc_stop a
check "b stops cleanly" mc_stop b
check "no error logged by either collector" \
  bash -c "! cat '$scratch'/collector-*.log | grep '\"level\":\"error\"' | grep -q ."
check "no sanitizer report" bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' '$scratch'/collector-*.log"
finish
