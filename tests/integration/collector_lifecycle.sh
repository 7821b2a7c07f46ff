# The collector's life: starts its embedded PostgreSQL, answers /api and /api/health,
# follows api.md's conventions (404, 405 + Allow, correlation ids, X-Response-Time),
# stops cleanly on SIGINT leaving no process, and comes back after a kill -9.
source "$(dirname "$0")/lib.bash"
port=$(free_port)
base="http://127.0.0.1:$port"
start() {
  "$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --listen "127.0.0.1:$port" \
    >>"$scratch/collector.log" 2>&1 &
  pid=$!
  cleanup_hooks+=("kill -9 $pid 2>/dev/null")
  wait_http "$base/api/health" 120
}
pg_count() { pgrep -f "postgres -D $scratch/var/pg/data" | wc -l; }

check "collector starts and serves health" start
health=$(curl -fs "$base/api/health")
check "health says database connected" grep -q '"database":"connected"' <<<"$health"
check "the starter model is loaded" grep -q "\"model_loaded\":true,\"uptime_seconds\":[0-9.]*,\"model_version\":1" <<<"$health"
check "GET /api banner" grep -q '"message":"SecuraFlow API"' <<<"$(curl -fs "$base/api")"
check "trailing slash is the same path" curl -fs -o /dev/null "$base/api/health/"
code=$(curl -s -o "$scratch/body" -w '%{http_code}' "$base/api/nothing")
check "unknown path is 404" [ "$code" = 404 ]
check "404 body" grep -q '{"detail":"Not Found"}' "$scratch/body"
headers=$(curl -s -D - -o /dev/null -X DELETE "$base/api/health")
check "wrong method is 405" grep -q '^HTTP/1.1 405' <<<"$headers"
check "405 carries Allow" grep -qi '^Allow: GET' <<<"$headers"
headers=$(curl -s -D - -o /dev/null -H 'X-Correlation-ID: trace-42.a:b' "$base/api/health")
check "valid correlation id kept" grep -qi '^X-Correlation-ID: trace-42.a:b' <<<"$headers"
check "X-Response-Time present" grep -qiE '^X-Response-Time: [0-9]+\.[0-9]{2}ms' <<<"$headers"
headers=$(curl -s -D - -o /dev/null -H 'X-Correlation-ID: bad id!' "$base/api/health")
check "invalid correlation id replaced by a UUIDv4" \
  grep -qiE '^X-Correlation-ID: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}' <<<"$headers"
check "log lines are JSON" python3 -c "
import json,sys
for l in open('$scratch/collector.log'): json.loads(l)"

kill -INT "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "SIGINT stops the collector" bash -c "! kill -0 $pid 2>/dev/null"
check "and its PostgreSQL" [ "$(pg_count)" = 0 ]

check "restart on the same data" start
kill -9 "$pid"
sleep 1
for _ in $(seq 1 100); do [ "$(pg_count)" = 0 ] && break; sleep 0.1; done
check "kill -9 of the collector leaves no PostgreSQL behind" [ "$(pg_count)" = 0 ]
check "restart after kill -9" start
check "healthy database after crash" grep -q '"database":"connected"' <<<"$(curl -fs "$base/api/health")"
kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "SIGTERM stops it" bash -c "! kill -0 $pid 2>/dev/null"
check "bad listen address is a clear error" bash -c \
  "'$SF_BIN/securaflow-collector' --data-dir '$scratch/v2' --listen nowhere 2>&1 | grep -q 'listen: .nowhere.: expected HOST:PORT'"
check "and starts nothing" [ ! -e "$scratch/v2" ]
printf 'bogus = 1\n' >"$scratch/bad.conf"
check "unknown config key names file and line" bash -c \
  "'$SF_BIN/securaflow-collector' --config '$scratch/bad.conf' 2>&1 | grep -q 'bad.conf:1: unknown key'"
finish
