#!/bin/bash
# Live capture rate on lo: the traffic generator's shop server on 127.0.0.1 (answering
# at once, --latency-scale 0), the sensor capturing on lo, and the generator's client
# stepping its request rate up. A step is clean when the kernel dropped nothing, every
# request was answered and the sensor reported exactly as many transactions as the
# client's --report lists. Prints one line per step and the best clean achieved rate.
# Needs root (capture on lo). Bounded: STEP_SECONDS per step, stops at the first
# unclean step or when the client cannot reach the asked rate.
# usage: tests/bench/sensor_live_rate.sh [BIN_DIR]      (default build/bin)
# env:   RATES="2000 4000 ..."  STEP_SECONDS=6  CONCURRENCY=16  PIPELINE=1  WORKERS=1
#        PORT=0 (0 = a free port)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${SF_BIN_FAST:-$root/build/bin}}
rates=${RATES:-"2000 4000 8000 12000 16000 24000 32000 48000 64000"}
secs=${STEP_SECONDS:-6}
conc=${CONCURRENCY:-16}
[ "$(id -u)" = 0 ] || { echo "needs root for the capture on lo"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-live-XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

"$bin/securaflow-trafficgen" serve --listen "127.0.0.1:${PORT:-0}" --port-file "$work/port" \
  --latency-scale 0 >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port" 2>/dev/null)
[ -n "$port" ] || { echo "server did not start"; cat "$work/server.log"; exit 1; }
echo "server on 127.0.0.1:$port; sensor -i lo --ports $port --workers ${WORKERS:-1}; $secs s per step, $conc connections, pipeline ${PIPELINE:-1}"

stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
printf '%8s %9s %9s %9s %8s %8s %9s %s\n' asked achieved requests answered sensor kdrops cpu_pct verdict
best=0
for rate in $rates; do
  "$bin/securaflow-sensor" -i lo --ports "$port" --workers "${WORKERS:-1}" -w /dev/null \
    >"$work/sensor.log" 2>&1 &
  spid=$!; pids+=($spid)
  for _ in $(seq 100); do grep -q 'capturing on' "$work/sensor.log" && break; sleep 0.1; done
  sleep 0.5
  t0=$(awk '{ print $14 + $15 }' /proc/$spid/stat)
  n=$((rate * secs))
  timeout $((secs * 4 + 30)) "$bin/securaflow-trafficgen" drive --target "http://127.0.0.1:$port" \
    --requests "$n" --concurrency "$conc" --pipeline "${PIPELINE:-1}" --rate "$rate" --report "$work/report.jsonl" --seed 7 \
    >"$work/summary.json" 2>"$work/drive.err"
  sleep 1   # the last packets reach the sensor
  t1=$(awk '{ print $14 + $15 }' /proc/$spid/stat)
  kill -INT "$spid"; wait "$spid"
  achieved=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["rps"]))' "$work/summary.json" 2>/dev/null || echo 0)
  elapsed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elapsed_s"])' "$work/summary.json" 2>/dev/null || echo 1)
  answered=$(grep -vc '"status":0' "$work/report.jsonl")
  seen=$(stat_of transactions "$work/sensor.log"); drops=$(stat_of kernel_drops "$work/sensor.log")
  cpu=$(awk -v a="$t0" -v b="$t1" -v e="$elapsed" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / (e + 1) }')
  verdict=clean
  [ "${drops:-1}" = 0 ] || verdict="kernel drops"
  [ "$answered" = "$n" ] || verdict="client: $answered of $n answered"
  [ "${seen:-0}" = "$answered" ] || verdict="sensor found ${seen:-0} of $answered"
  [ "$verdict" = clean ] && [ "$achieved" -gt "$best" ] && best=$achieved
  short=0
  [ "$achieved" -ge $((rate * 9 / 10)) ] || { short=1; verdict="$verdict; client reached $achieved of $rate/s"; }
  printf '%8s %9s %9s %9s %8s %8s %9s %s\n' "$rate" "$achieved" "$n" "$answered" "${seen:-?}" "${drops:-?}" "$cpu" "$verdict"
  [ "${verdict%%;*}" = clean ] && [ "$short" = 0 ] || break   # unclean, or the client is the limit
done
echo "best clean rate: $best requests/s (zero kernel drops, every transaction captured)"
echo "(cpu_pct: sensor CPU over the step; the client, server and sensor share this machine's cores)"
