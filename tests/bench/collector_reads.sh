#!/bin/bash
# Benchmark: the read API under load. A collector with its embedded PostgreSQL holding
# 10 M requests over the last 24 h (rollups made with SQL for speed, plus 100 k records
# ingested through POST /api/traffic/batch and 1 M raw rows), and 100 k anomalies; then
# wrk with 50 concurrent clients on GET /api/metrics (default 1 m buckets and page of 1,000
# rows, the biggest page of 10,000 rows, and 5 m / 1 h) and GET /api/anomalies (first page,
# a deep page, a filter). Goals (issue 5): metrics p99 < 50 ms, anomalies p99 < 20 ms. Also
# the uncached time of each query (one client, a new window each call, so nothing is
# answered from the answer cache). The collector keeps its starter model
# (--auto-train-rows 0), so no model training competes for the CPU. Runs marked gzip send
# Accept-Encoding: gzip, as browsers (the dashboard) do.
#
#   tests/bench/collector_reads.sh [--duration 15] [--routes 12]
#   SF_BIN_FAST=build/bin (default) is where securaflow-collector is.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=15 routes=12
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --routes) routes=$2; shift 2 ;;
    *) echo "usage: $0 [--duration S] [--routes N]" >&2; exit 2 ;;
  esac
done
bin=${SF_BIN_FAST:-build/bin}/securaflow-collector
[ -x "$bin" ] || { echo "no $bin: build first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-reads-XXXXXX")
chmod 755 "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$bin" --data-dir "$work/var" --listen "127.0.0.1:$port" --allow-anonymous-ingest \
  --log-level warn --auto-train-rows 0 >"$work/collector.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 600); do curl -fs -o /dev/null "$base/api/health" && break; sleep 0.1; done
psql_run() { psql -X -q -v ON_ERROR_STOP=1 "host=$work/var/pg user=securaflow dbname=securaflow" "$@"; }

echo "== loading: 100 k records through the API"
t0=$(date +%s.%N)
python3 - "$base" <<'EOF'
import datetime, json, random, sys, urllib.request
base = sys.argv[1]
random.seed(7)
now = datetime.datetime.now(datetime.timezone.utc)
paths = ["/api/products", "/api/products/%d", "/api/users/%d", "/api/orders", "/api/orders/%d",
         "/api/search", "/api/cart", "/api/auth/login", "/api/health"]
for b in range(10):
    recs = []
    for i in range(10000):
        ts = now - datetime.timedelta(seconds=random.uniform(0, 86400 - 60))
        st = random.choices([200, 201, 304, 404, 500], [85, 5, 4, 5, 1])[0]
        p = random.choice(paths)
        recs.append({"endpoint": p % random.randint(1, 5000) if "%d" in p else p,
                     "method": "POST" if p == "/api/auth/login" else "GET", "status_code": st,
                     "response_time_ms": random.lognormvariate(2.5, 0.9),
                     "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                     "ip_address": "10.0.%d.%d" % (random.randint(0, 40), random.randint(1, 254)),
                     "request_size_bytes": 200, "response_size_bytes": random.randint(100, 5000)})
    body = json.dumps({"sensor_id": "bench", "batch_id": "bench-%d" % b, "records": recs}).encode()
    req = urllib.request.Request(base + "/api/traffic/batch", data=body,
                                 headers={"Content-Type": "application/json"})
    assert json.load(urllib.request.urlopen(req, timeout=300))["accepted"] == 10000
EOF
echo "   $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"

echo "== loading: 1 M raw rows, rollups for 10 M requests over $routes route/method series, 100 k anomalies (SQL)"
t0=$(date +%s.%N)
psql_run -v routes="$routes" <<'EOF'
-- Raw rows (beside the API's): the read endpoints never scan them, they only have to exist.
INSERT INTO traffic_logs (id, ts, endpoint, route, method, status_code, response_time_ms,
                          response_size_bytes, ip_address, anomaly_score, is_anomaly)
SELECT 1000000000000 + g, now() - (g % 86000) * interval '1 second',
       '/api/items/' || (g % 5000), '/api/items/{id}', 'GET',
       CASE WHEN g % 97 = 0 THEN 500 ELSE 200 END, 5 + (g % 200), 1200,
       ('10.9.' || (g % 250) || '.' || (g % 200 + 1))::inet, 0.4, g % 97 = 0
FROM generate_series(1, 1000000) g;
-- Rollups: :routes series, every minute of the last 24 h, ~6,900 requests a minute in all
-- (with the API's 100 k: 10 M), each minute a histogram of ~30 buckets around the
-- series' typical latency.
CREATE TEMP TABLE series AS
SELECT s, '/api/bench/r' || s || '/{id}' AS route, CASE WHEN s % 3 = 0 THEN 'POST' ELSE 'GET' END AS method,
       60 + 3 * s AS centre
FROM generate_series(1, :routes) s;
INSERT INTO rollup_minute
SELECT m, route, method, total, total / 20, total / 100, total / 200, total * 25.0, 900.0, hist
FROM generate_series(date_trunc('minute', now()) - interval '1439 minutes',
                     date_trunc('minute', now()), interval '1 minute') m
CROSS JOIN series
CROSS JOIN LATERAL (
  SELECT sum(c) FILTER (WHERE o = 0)::bigint AS total, array_agg(v ORDER BY b, o) AS hist
  FROM (SELECT b, (9900000 / 1440 / :routes / 31)
                  + ((b * 7 + extract(minute FROM m)::int) % 5) AS c
        FROM generate_series(centre - 15, centre + 15) b) k
  CROSS JOIN LATERAL (VALUES (0, b), (1, c)) kv(o, v)) h;
-- Anomalies: 100 k over the last 24 h, shaped like the detectors' (features, reasons).
INSERT INTO anomalies (id, traffic_id, traffic_ts, detected_at, anomaly_score, anomaly_type,
                       severity, detector, reasons, features, model_version, endpoint, route,
                       method, status_code, response_time_ms, is_resolved)
SELECT 2000000000000 + g, 2000000000000 + g, now() - g * interval '860 milliseconds',
       now() - g * interval '860 milliseconds', 0.6 + (g % 40) / 100.0,
       (ARRAY['server_error','response_time_spike','pattern_anomaly','sql_injection'])[g % 4 + 1],
       (ARRAY['high','medium','medium','critical'])[g % 4 + 1], 'rule',
       '["server error: status 500", "latency 2100 ms, above the usual (99% of training <= 185 ms)"]',
       f.features, 1, '/api/orders/' || g, '/api/orders/{id}', 'GET', 500, 120 + g % 900,
       g % 10 = 0
FROM generate_series(1, 100000) g,
     (SELECT coalesce((SELECT features FROM anomalies ORDER BY id LIMIT 1), '{}') AS features) f;
ANALYZE;
EOF
echo "   $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
psql_run -At -c "SELECT 'stored requests in rollups (24 h): ' || sum(request_count) FROM rollup_minute WHERE minute > now() - interval '24 hours'" \
  -c "SELECT 'raw rows: ' || count(*) FROM traffic_logs" -c "SELECT 'anomalies: ' || count(*) FROM anomalies"

uncached() { # path: mean ms of 20 calls, each for a different window (no cache hit)
  python3 - "$base" "$1" <<'EOF'
import datetime, sys, time, urllib.request
base, path = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)
times = []
for i in range(20):
    end = (now - datetime.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sep = "&" if "?" in path else "?"
    t = time.perf_counter()
    body = urllib.request.urlopen(base + path + sep + "end_time=" + end).read()
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print("%.1f ms median, %.1f ms max, %d bytes" % (times[10], times[-1], len(body)))
EOF
}

results=()
bench() { # name path goal_ms [wrk options]
  local out p50 p99 rps
  curl -fs -o /dev/null "$base$2"
  out=$(wrk -t2 -c50 -d"${duration}s" --latency "${@:4}" "$base$2")
  p50=$(awk '/Latency Distribution/{f=1} f&&$1=="50%"{print $2; exit}' <<<"$out")
  p99=$(awk '/Latency Distribution/{f=1} f&&$1=="99%"{print $2; exit}' <<<"$out")
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  results+=("$(printf '%-44s p50 %9s  p99 %9s  %9s req/s  goal p99 < %s ms%s' "$1" "$p50" "$p99" "$rps" "$3" \
    "${non2xx:+  NON-2XX: $non2xx}")")
  echo "${results[-1]}"
}
echo "== uncached, one client"
echo "   /api/metrics (1m, 24 h, 1000 rows):   $(uncached /api/metrics)"
echo "   /api/metrics?limit=10000:             $(uncached '/api/metrics?limit=10000')"
echo "   /api/metrics?bucket=5m:               $(uncached '/api/metrics?bucket=5m')"
echo "   /api/metrics?bucket=1h:               $(uncached '/api/metrics?bucket=1h')"
echo "   /api/anomalies:                       $(uncached /api/anomalies)"
echo "   /api/endpoints:                       $(uncached /api/endpoints)"
echo "== wrk: 50 connections, 2 threads, ${duration} s each"
gz=(-H "Accept-Encoding: gzip")
bench "GET /api/metrics (24 h, 1m, 1000 rows)" "/api/metrics" 50
bench "GET /api/metrics (24 h, 1m), gzip" "/api/metrics" 50 "${gz[@]}"
bench "GET /api/metrics?limit=10000" "/api/metrics?limit=10000" 50
bench "GET /api/metrics?limit=10000, gzip" "/api/metrics?limit=10000" 50 "${gz[@]}"
bench "GET /api/metrics?bucket=5m, gzip" "/api/metrics?bucket=5m" 50 "${gz[@]}"
bench "GET /api/metrics?bucket=1h" "/api/metrics?bucket=1h" 50
bench "GET /api/anomalies (first page of 50)" "/api/anomalies" 20
bench "GET /api/anomalies, gzip" "/api/anomalies" 20 "${gz[@]}"
bench "GET /api/anomalies?resolved=false&offset=5000" "/api/anomalies?resolved=false&offset=5000" 20
bench "GET /api/anomalies?type=sql_injection" "/api/anomalies?type=sql_injection" 20
bench "GET /api/endpoints" "/api/endpoints" 50
echo "== summary ($(nproc) cores)"
printf '%s\n' "${results[@]}"
