#!/bin/bash
# Hostile input: truncated and garbage captures, random packets, snaplen-cut packets,
# IP total length 0, overlapping segments with different bytes, 100k concurrent flows
# each with an unfinished request, headers over the cap, a never-ending chunked body,
# and segments full of request-like lines that fail to parse (resynchronisation storm).
# The sanitizer build must not crash or report anything, memory must stay under the
# configured budget, and the counters must say what happened.
set -uo pipefail
src=${SF_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${SF_BIN:-$src/build-asan/bin}
fast=${SF_BIN_FAST:-$src/build/bin}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-hostile-XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$src/tests/pcap/make_hostile.py" "$work" || exit 1
pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; fail=$((fail + 1)); fi; }
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

run() { # name expected-exit [flags...]: runs the sanitizer build, checks exit and reports
  local name=$1 want=$2; shift 2
  "$bin/securaflow-sensor" -r "$work/$name.pcap" -w "$work/$name.jsonl" "$@" 2>"$work/$name.log"
  local rc=$?
  check "$name: exit $rc, expected $want" [ "$rc" = "$want" ]
  local bad
  bad=$(grep -c -E 'Sanitizer|runtime error:' "$work/$name.log")
  check "$name: no sanitizer report" [ "$bad" = 0 ]
}
records() { wc -l <"$work/$1.jsonl"; }

run garbage 1
run truncated 1
check "truncated: transactions before the cut are reported" [ "$(stat_of transactions "$work/truncated.log")" -ge 49 ]
run random-packets 0
check "random packets: all counted as undecodable" \
  [ $(($(stat_of decode_truncated "$work/random-packets.log") + $(stat_of decode_unsupported "$work/random-packets.log") + $(stat_of decode_malformed "$work/random-packets.log"))) -ge 2900 ]
run snaplen 0
check "snaplen-cut: cut messages counted as interrupted" [ "$(stat_of interrupted "$work/snaplen.log")" -gt 0 ]
run iplen0 0
check "IP length 0: all 50 transactions found" [ "$(stat_of transactions "$work/iplen0.log")" = 50 ]
run overlap 0
check "overlap: conflicts counted" [ "$(stat_of tcp_overlap_conflicts "$work/overlap.log")" -gt 0 ]
check "overlap: first copy wins" grep -q '"url.path":"/overlap"' "$work/overlap.jsonl"
run bigheaders 0
check "headers over the cap: flagged and counted" grep -q truncated_headers "$work/bigheaders.jsonl"
check "headers over the cap: still paired" grep -q '"http.response.status_code":431' "$work/bigheaders.jsonl"
run endless-chunked 0 --memory-max 8MiB
check "endless chunked body: memory stays small" [ "$(stat_of memory_peak "$work/endless-chunked.log")" -lt 65536 ]
check "endless chunked body: reported as interrupted" grep -q interrupted "$work/endless-chunked.jsonl"

run resync-storm 0
check "resync storm: parse errors counted" [ "$(stat_of parse_errors "$work/resync-storm.log")" -gt 1000 ]

cap=$((32 * 1024 * 1024))
run flows100k 0 --memory-max 32MiB
peak=$(stat_of memory_peak "$work/flows100k.log")
check "100k flows: accounted memory $peak under the 32 MiB budget (+ one packet)" [ "$peak" -le $((cap + 65536)) ]
check "100k flows: evictions counted" [ "$(stat_of memory_evictions "$work/flows100k.log")" -gt 0 ]
check "100k flows: every request reported" [ "$(stat_of unmatched_requests "$work/flows100k.log")" = 100000 ]
if [ -x "$fast/securaflow-sensor" ]; then
  rss=$( { /usr/bin/time -f '%M' "$fast/securaflow-sensor" -r "$work/flows100k.pcap" --memory-max 32MiB \
           --quiet -w /dev/null; } 2>&1 | tail -n 1)
  echo "100k flows, 32 MiB budget: peak RSS ${rss} KiB"
  check "100k flows: RSS ${rss} KiB under 64 MiB" [ "$rss" -lt 65536 ]
fi
echo "checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
