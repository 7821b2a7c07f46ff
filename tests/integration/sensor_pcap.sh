#!/bin/bash
# Pcap acceptance: every capture under ../shared/data/pcap (and the bench capture) goes
# through the sanitizer build of the sensor: no crash, no sanitizer report, no leak.
# Each capture's transactions are compared with tshark's (tests/pcap/expected, made by
# tests/pcap/gen-expected.sh; compare.py explains the columns). Checks:
#  - overall, we find >= 99 % of tshark's requests over TCP (same connection, method, URI);
#  - no status difference and no latency difference > 1 ms on any pair both found;
#  - no capture does worse than tests/pcap/expected-report.tsv (matched requests, pairing
#    differences); each remaining difference is explained in tests/pcap/DIFFERENCES.md.
#  - invariants (tests/pcap/check_invariants.py) on every record of every capture, of the
#    bench capture and of a generated capture (tests/bench/make_capture.c, 50k
#    transactions, release build): no ttfb or duration < 0 or over the capture's span, no
#    time outside the packets of its direction, a status whenever a status line was read.
set -uo pipefail
src=${SF_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${SF_BIN:-$src/build-asan/bin}
fast=${SF_BIN_FAST:-$src/build/bin}
data=${SF_DATA:-$src/../shared/data}
[ -d "$data/pcap" ] || { echo "no shared captures"; exit 77; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-pcap-XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() { # description condition...
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; fail=$((fail + 1)); fi
}

"$src/tests/pcap/run-all-captures.sh" "$bin/securaflow-sensor" "$work" "$data"
check "sensor exits cleanly on every capture" [ $? = 0 ]
reports=$(grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$work"/*.log 2>/dev/null)
check "no sanitizer report ($reports)" [ -z "$reports" ]
"$bin/securaflow-sensor" -r "$data/bench/http-bench-mix-x3.pcap" -w "$work/bench.jsonl" \
  2>"$work/bench.log" >/dev/null
check "bench capture: clean exit" [ $? = 0 ]
bench_reports=$(grep -c -E 'Sanitizer|runtime error:' "$work/bench.log")
check "bench capture: no sanitizer report" [ "$bench_reports" = 0 ]
# tshark finds 5643 requests over TCP in the bench capture (SSDP over UDP left out).
bench=$(grep -c '"http.request.method"' "$work/bench.jsonl")
check "bench capture: $bench requests >= 99 % of 5643" [ "$bench" -ge 5587 ]

read -r t_req matched status_diff lat_diff < <(awk -F'\t' '$1=="TOTAL"{print $2, $4, $9, $10}' "$work/report.tsv")
echo "requests: tshark $t_req, matched $matched; status differences $status_diff; latency differences $lat_diff"
check "matched >= 99 % of tshark's requests" [ $((matched * 100)) -ge $((t_req * 99)) ]
check "no status difference" [ "$status_diff" = 0 ]
check "no latency difference over 1 ms" [ "$lat_diff" = 0 ]
worse=$(awk -F'\t' 'NR==FNR { if (FNR > 1) { m[$1] = $4; p[$1] = $8 }; next }
  FNR > 1 && $1 != "TOTAL" && (($1 in m) && ($4 < m[$1] || $8 > p[$1])) { print $1 }' \
  "$src/tests/pcap/expected-report.tsv" "$work/report.tsv")
check "no capture worse than the committed report: ${worse:-none}" [ -z "$worse" ]

# Invariants: every time a record gives lies within the packets of its direction.
spans=$fast/securaflow-capture-spans
"$src/tests/pcap/check-all-invariants.sh" "$spans" "$work" "$data" >"$work/invariants.txt"
check "invariants hold on every shared capture" [ $? = 0 ]
tail -n 21 "$work/invariants.txt"
"$spans" "$data/bench/http-bench-mix-x3.pcap" >"$work/bench.spans"
python3 "$src/tests/pcap/check_invariants.py" "$work/bench.spans" "$work/bench.jsonl" bench
check "invariants hold on the bench capture" [ $? = 0 ]
cc -std=c11 -O2 -o "$work/make_capture" "$src/tests/bench/make_capture.c" -lm &&
  "$work/make_capture" -o "$work/gen.pcap" --transactions 50000 --concurrency 3000 --seed 7 >/dev/null &&
  "$fast/securaflow-sensor" -r "$work/gen.pcap" -w "$work/gen.jsonl" --quiet &&
  "$spans" "$work/gen.pcap" >"$work/gen.spans"
check "generated capture: made and read" [ $? = 0 ]
check "generated capture: 50000 transactions" [ "$(grep -c '"http.response.status_code"' "$work/gen.jsonl")" = 50000 ]
python3 "$src/tests/pcap/check_invariants.py" "$work/gen.spans" "$work/gen.jsonl" generated
check "invariants hold on the generated capture" [ $? = 0 ]
rm -f "$work/gen.pcap"
echo "checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
