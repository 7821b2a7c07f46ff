#!/bin/bash
# Sensor throughput, side by side in one run, on ../shared/data/bench/http-bench-mix-x3.pcap
# (cached in memory by a first read): the bare libpcap read loop (the floor), the sensor
# with 1 and 2 workers (one process per copy of the file), tshark -Y http.request, and httpry if installed. The file is read
# REPEAT times (default 20) by the floor and the sensor so the timings are not noise.
# Prints packets/s, transactions/s, ratios to the floor and to tshark, and peak RSS.
# usage: tests/bench/sensor_bench.sh [SENSOR_BIN_DIR]   (default build/bin)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${SF_BIN_FAST:-$root/build/bin}}
file=${SF_DATA:-$root/../shared/data}/bench/http-bench-mix-x3.pcap
repeat=${REPEAT:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/floor" "$root/tests/bench/sensor_pcap_floor.c" -lpcap
files=()
for _ in $(seq "$repeat"); do files+=("$file"); done
cat "$file" >/dev/null   # into the page cache

# Rates use CPU seconds (user + system) of the measured command and its children: on a
# shared machine wall time measures the neighbours. Wall seconds are shown too.
timed() { # out-prefix command...: "cpu_seconds peak_RSS_KiB wall_seconds" in out.time
  local out=$1; shift
  /usr/bin/time -f '%U %S %M %e' -o "$out.raw" "$@" >"$out.out" 2>"$out.err"
  awk '{ printf "%.3f %s %s\n", $1 + $2, $3, $4 }' "$out.raw" >"$out.time"
}

timed "$work/floor" "$work/floor" "${files[@]}"
read -r _ fpkts _ _ _ <"$work/floor.out"
fsec=$(cut -d' ' -f1 "$work/floor.time")
# One sensor process per copy: reading the same file twice in one process would look
# like one long connection replayed (retransmissions), not like new traffic.
for w in 1 2; do
  timed "$work/s$w" bash -c 'for _ in $(seq "$1"); do "$2" -r "$3" -w /dev/null --workers "$4" 2>&1 >/dev/null; done' \
    _ "$repeat" "$bin/securaflow-sensor" "$file" "$w"
  awk '{ s[$1] += $2 } END { for (k in s) print k, s[k] }' "$work/s$w.out" >"$work/s$w.err"
done
timed "$work/tshark" tshark -r "$file" -Y http.request -T fields -e frame.number
tsec=$(cut -d' ' -f1 "$work/tshark.time")
ttx=$(wc -l <"$work/tshark.out")
if command -v httpry >/dev/null; then
  timed "$work/httpry" httpry -r "$file" -o "$work/httpry.log"
  hsec=$(cut -d' ' -f1 "$work/httpry.time")
else
  hsec=
fi

stat() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
printf '%-22s %12s %12s %12s %12s %12s %10s\n' tool packets/s requests/s x_floor_pkts x_tshark_req cpu_seconds peak_RSS_MiB
awk -v p="$fpkts" -v s="$fsec" 'BEGIN { printf "%-22s %12.0f %12s %12.2f %12s %12.3f %10s\n", "libpcap loop (floor)", p/s, "-", 1, "-", s, "-" }'
ttx_s=$(awk -v n="$ttx" -v s="$tsec" 'BEGIN { print n/s }')
for w in 1 2; do
  sec=$(cut -d' ' -f1 "$work/s$w.time") rss=$(cut -d' ' -f2 "$work/s$w.time")
  pk=$(stat packets "$work/s$w.err") tx=$(stat http_requests "$work/s$w.err")
  awk -v n="sensor --workers $w" -v p="$pk" -v t="$tx" -v s="$sec" -v fp="$fpkts" -v fs="$fsec" \
      -v tt="$ttx_s" -v r="$rss" 'BEGIN { if (s < 0.01) s = 0.01;
      printf "%-22s %12.0f %12.0f %12.2f %12.1f %12.3f %10.1f\n", n, p/s, t/s, (p/s)/(fp/fs), (t/s)/tt, s, r/1024 }'
done
awk -v s="$tsec" -v t="$ttx" -v r="$(cut -d' ' -f2 "$work/tshark.time")" -v f="$fpkts" -v rep="$repeat" -v fs="$fsec" \
  'BEGIN { p = f / rep; printf "%-22s %12.0f %12.0f %12.2f %12.1f %12.3f %10.1f\n", "tshark -Y http.request", p/s, t/s, (p/s)/(f/fs), 1, s, r/1024 }'
if [ -n "$hsec" ]; then echo "httpry: $hsec s"; else echo "httpry: not installed (Debian has it: apt-get install httpry)"; fi
echo "(sensor and floor read the file $repeat times; tshark once; rates per CPU second (user+system);"
echo " requests/s = HTTP requests found (tshark: frames matching http.request); wall seconds:"
for t in floor s1 s2 tshark; do printf ' %s %s' "$t" "$(cut -d' ' -f3 "$work/$t.time")"; done
echo ")"
