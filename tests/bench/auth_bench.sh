#!/bin/bash
# Benchmark: what accounts and tokens cost (issue 9 figures), one collector, one run:
#   1. login cost: argon2id parameters and the median time of a login (known account,
#      unknown account: the same work by design), 9 each;
#   2. requests per second on a token-protected read with the JWT check vs the same route
#      open, side by side: GET /metrics is open to metrics_allow addresses and needs an
#      admin JWT from anywhere else, so the collector is run twice on one database, once
#      with metrics_allow = loopback (open) and once with it empty (JWT checked), in
#      alternating rounds of wrk; plus, as the worst case, the cheapest token-protected
#      read (GET /api/metrics, answered from the answer cache) vs the cheapest open one
#      (GET /api, the banner), and the gate's own cost per request on one core
#      (tests/bench/auth_jwt_check.c: a full JWT check, and a token already verified);
#   3. rate-limit bucket memory for 100,000 clients (from /metrics, rate_limit_clients).
#   tests/bench/auth_bench.sh [--duration 5] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=5 rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: $0 [--duration S] [--rounds N]" >&2; exit 2 ;;
  esac
done
bin=${SF_BIN_FAST:-build/bin}/securaflow-collector
[ -x "$bin" ] || { echo "no $bin: build first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: scripts/install-deps.sh --bench" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-auth-XXXXXX")
chmod 755 "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
pid=
start() { # metrics_allow
  "$bin" --data-dir "$work/var" --listen "127.0.0.1:$port" --log-level warn --rate-limit 0 \
    --login-rate-limit 0 \
    --auto-train-rows 0 --metrics-allow "$1" --rate-limit-clients 100000 >>"$work/collector.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do curl -fs -o /dev/null "$base/api/health" && return 0; sleep 0.1; done
  echo "collector did not start; see $work/collector.log" >&2; exit 1
}
stop() { kill -INT "$pid"; wait "$pid" 2>/dev/null || true; }
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
rps() { wrk -t2 -c20 -d"${duration}s" "$@" | awk '/Requests\/sec/ {print $2}'; }

start 127.0.0.0/8
curl -fs -o /dev/null -H 'Content-Type: application/json' -X POST "$base/api/auth/signup" \
  -d '{"email":"bench@example.com","username":"bench","password":"bench-password-1"}'
token=$(curl -fs -X POST "$base/api/auth/login" -d 'username=bench&password=bench-password-1' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

echo "== 1. login cost (argon2id via crypto_pwhash_str, libsodium's interactive limits)"
python3 - "$base" <<'PY'
import sys, time, urllib.request, urllib.error, statistics
base = sys.argv[1]
def login(user):
    t0 = time.perf_counter()
    try:
        urllib.request.urlopen(urllib.request.Request(base + "/api/auth/login",
            data=("username=%s&password=bench-password-1" % user).encode()), timeout=30).read()
    except urllib.error.HTTPError:
        pass
    return (time.perf_counter() - t0) * 1000
known = [login("bench") for _ in range(9)]
unknown = [login("nobody-%d" % i) for i in range(9)]
print("argon2id opslimit 2 (passes), memlimit 64 MiB, 1 lane (crypto_pwhash_*_INTERACTIVE)")
print("login, known account:   median %.1f ms (min %.1f, max %.1f)" % (statistics.median(known), min(known), max(known)))
print("login, unknown account: median %.1f ms (min %.1f, max %.1f)" % (statistics.median(unknown), min(unknown), max(unknown)))
print("unknown / known: %.2f" % (statistics.median(unknown) / statistics.median(known)))
PY

echo "== 2. requests per second, token-protected vs open (wrk -t2 -c20 -d${duration}s, $rounds rounds each)"
open_metrics=() jwt_metrics=() banner=() cached=()
measure_open() {
  stop; start 127.0.0.0/8
  open_metrics+=("$(rps "$base/metrics")")
  banner+=("$(rps "$base/api")")
  cached+=("$(rps -H "Authorization: Bearer $token" "$base/api/metrics")")
}
measure_jwt() {
  stop; start 192.0.2.1
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/metrics")
  [ "$code" = 401 ] || { echo "GET /metrics without a token answered $code, expected 401" >&2; exit 1; }
  jwt_metrics+=("$(rps -H "Authorization: Bearer $token" "$base/metrics")")
}
for r in $(seq "$rounds"); do # alternating order (ABBA), so drift in the machine's load cancels
  if [ $((r % 2)) = 1 ]; then measure_open; measure_jwt; else measure_jwt; measure_open; fi
  echo "round $r: GET /metrics open ${open_metrics[-1]}, with JWT ${jwt_metrics[-1]} req/s; GET /api (open) ${banner[-1]}, GET /api/metrics cached with JWT ${cached[-1]} req/s"
done
python3 - "${open_metrics[*]}" "${jwt_metrics[*]}" "${banner[*]}" "${cached[*]}" <<'PY'
import statistics, sys
o, j, b, c = ([float(x) for x in a.split()] for a in sys.argv[1:5])
mo, mj, mb, mc = (statistics.median(x) for x in (o, j, b, c))
print("GET /metrics (same route): open %.0f req/s (%.0f-%.0f), JWT-checked %.0f req/s (%.0f-%.0f): ratio %.3f"
      % (mo, min(o), max(o), mj, min(j), max(j), mj / mo))
print("cheapest reads (different handlers): GET /api open %.0f req/s, GET /api/metrics cached + JWT %.0f req/s"
      % (mb, mc))
PY

cc -O2 -std=c11 -D_GNU_SOURCE -I. tests/bench/auth_jwt_check.c collector/auth_jwt.c \
  collector/auth_token_memo.c -o "$work/auth_jwt_check" -ljwt -lsodium -ljansson
check=$("$work/auth_jwt_check" 200000)
echo "the gate's JWT work per request on one core: $check"
python3 - "$check" "${cached[*]}" <<'PY'
import re, statistics, sys
full, hit = (float(x) for x in re.findall(r"([0-9.]+) us", sys.argv[1]))
rps = statistics.median(float(x) for x in sys.argv[2].split())
print("at the cheapest protected read's %.0f req/s, the check takes %.1f %% of the event loop's time for a"
      " token already seen (%.2f us), %.1f %% if every request brought a new token (%.2f us)"
      % (rps, hit * rps / 1e4, hit, full * rps / 1e4, full))
PY

echo "== 3. rate-limit bucket memory (rate_limit_clients = 100000)"
curl -fs -H "Authorization: Bearer $token" "$base/metrics" | awk '
  /^securaflow_rate_limit_memory_bytes / {b=$2} /^securaflow_rate_limit_buckets_max / {n=$2}
  END {printf "buckets %d, memory %.0f bytes = %.2f MB per 100,000 clients (%.1f bytes each; allocated at start, never grows)\n", n, b, b/1e6*100000/n, b/n}'
stop
