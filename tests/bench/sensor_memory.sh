#!/bin/bash
# Sensor memory: (1) RSS over a long replay: tests/bench/make_capture streams an endless
# generated capture (new connections all the time, packet time moving on) into
# `securaflow-sensor -r -`; RSS is sampled every INTERVAL seconds and the curve printed,
# with its flatness after warm-up ((max - min) / max of the samples after the first third).
# (2) Memory per concurrent flow: captures with 1k, 10k and 50k connections open at once
# (each keep-alive, one or two transactions, idle in between); peak RSS and the sensor's
# accounted memory_peak, and their growth per 10k flows.
# usage: tests/bench/sensor_memory.sh [BIN_DIR] [DURATION_SECONDS]   (defaults build/bin, 600)
# env:   INTERVAL=10  WORKERS=1  FLOWS="1000 10000 50000"
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${SF_BIN_FAST:-$root/build/bin}}
duration=${2:-600}
interval=${INTERVAL:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-mem-XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
cc -std=c11 -O2 -Wall -Wextra -Werror -o "$work/make_capture" "$root/tests/bench/make_capture.c" -lm

echo "== RSS over a ${duration} s replay (generated stream, 2000 concurrent connections, sampled every ${interval} s)"
mkfifo "$work/fifo"
"$work/make_capture" -o "$work/fifo" --transactions 4000000000 --concurrency 2000 --seed 3 \
  >/dev/null 2>&1 &
pids+=($!)
"$bin/securaflow-sensor" -r - --workers "${WORKERS:-1}" -w /dev/null <"$work/fifo" >"$work/replay.log" 2>&1 &
spid=$!; pids+=($spid)
printf '%8s %10s %12s\n' seconds RSS_KiB MB_read
: >"$work/curve"
for ((t = interval; t <= duration; t += interval)); do
  sleep "$interval"
  rss=$(awk '/^VmRSS/ { print $2 }' /proc/$spid/status 2>/dev/null) || break
  [ -n "$rss" ] || break
  mb=$(awk '/^rchar/ { printf "%.0f", $2 / 1e6 }' /proc/$spid/io 2>/dev/null)
  printf '%8d %10d %12s\n' "$t" "$rss" "${mb:-?}"
  echo "$t $rss" >>"$work/curve"
done
kill -INT "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
grep -E '^(packets|transactions|flows|flows_active|memory_peak|memory_evictions) ' "$work/replay.log" | tr -s ' ' | paste -sd' '
awk -v d="$duration" '
  { t[NR] = $1; r[NR] = $2 }
  END {
    if (NR < 2) { print "not enough samples"; exit }
    from = int(NR / 3) + 1; mn = 1e18; mx = 0
    for (i = from; i <= NR; i++) { if (r[i] < mn) mn = r[i]; if (r[i] > mx) mx = r[i] }
    printf "RSS after warm-up (samples %d..%d, from %d s): min %d KiB, max %d KiB, flatness %.2f %% (goal <= 5 %%)\n",
      from, NR, t[from], mn, mx, 100 * (mx - mn) / mx
    printf "first-to-last growth after warm-up: %+.2f %%\n", 100 * (r[NR] - r[from]) / r[from]
  }' "$work/curve"

echo
echo "== memory per concurrent flow (each connection open at once, idle between transactions)"
printf '%8s %10s %14s %14s %12s\n' flows packets peak_RSS_KiB accounted_KiB flows_seen
for n in ${FLOWS:-1000 10000 50000}; do
  "$work/make_capture" -o "$work/flows.pcap" --transactions $((2 * n)) --concurrency "$n" \
    --keepalive 1000000 --seed 5 >"$work/gen.txt"
  /usr/bin/time -f '%M' -o "$work/rss" "$bin/securaflow-sensor" -r "$work/flows.pcap" \
    --workers "${WORKERS:-1}" -w /dev/null >"$work/flows.log" 2>&1
  peak=$(awk '$1 == "memory_peak" { print int($2 / 1024) }' "$work/flows.log")
  printf '%8d %10s %14s %14s %12s\n' "$n" "$(awk '{ print $2 }' "$work/gen.txt")" "$(cat "$work/rss")" \
    "$peak" "$(awk '$1 == "flows" { print $2 }' "$work/flows.log")"
  echo "$n $(cat "$work/rss") $peak" >>"$work/flows"
done
awk 'NR == 1 { n0 = $1; r0 = $2; a0 = $3 } { n = $1; r = $2; a = $3 }
  END { if (n > n0) printf "per 10k concurrent flows: %.2f MB RSS, %.2f MB accounted (%d to %d flows)\n",
        (r - r0) * 1024 / 1e6 / ((n - n0) / 1e4), (a - a0) * 1024 / 1e6 / ((n - n0) / 1e4), n0, n }' "$work/flows"
