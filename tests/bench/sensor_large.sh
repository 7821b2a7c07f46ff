#!/bin/bash
# Offline sensor throughput on a large generated capture (tests/bench/make_capture.c,
# default 500k transactions, about 2.3 M packets) and on ../shared/data/bench/
# http-bench-mix-x3.pcap, side by side in one run: the bare libpcap loop (the floor),
# the sensor with 1 and 2 workers (and an older sensor binary if BEFORE= is given),
# tshark -Y http.request and httpry. Prints rates per CPU second and per wall second as
# ratios to the floor and to tshark: on a shared machine only ratios mean something.
# usage: tests/bench/sensor_large.sh [SENSOR_BIN_DIR]        (default build/bin)
# env:   TXNS=500000 CONC=3000 SEED=1   the generated capture (written to a temp dir)
#        REPEAT=10    times the small shared file is read by floor and sensor
#        BEFORE=/path/to/securaflow-sensor   a second sensor binary to compare with; then
#                     ROUNDS=4 rounds in ABBA order, each row the median run (by CPU time)
#        SKIP_TSHARK_LARGE=1   tshark only on the shared file (it needs minutes and GBs)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${SF_BIN_FAST:-$root/build/bin}}
shared=${SF_DATA:-$root/../shared/data}/bench/http-bench-mix-x3.pcap
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-large-XXXXXX")
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/floor" "$root/tests/bench/sensor_pcap_floor.c" -lpcap
cc -std=c11 -O2 -Wall -Wextra -Werror -o "$work/make_capture" "$root/tests/bench/make_capture.c" -lm
echo "generating: make_capture --transactions ${TXNS:-500000} --concurrency ${CONC:-3000} --seed ${SEED:-1}"
"$work/make_capture" -o "$work/gen.pcap" --transactions "${TXNS:-500000}" \
  --concurrency "${CONC:-3000}" --seed "${SEED:-1}" | tee "$work/gen.txt"
ls -l "$work/gen.pcap" | awk '{ printf "generated file: %.0f MB\n", $5 / 1e6 }'

# timed OUT CMD...: "cpu_s rss_kib wall_s" in OUT.time (CPU = user + system, children too)
timed() {
  local out=$1; shift
  /usr/bin/time -f '%U %S %M %e' -o "$out.raw" "$@" >"$out.out" 2>"$out.err"
  awk '{ printf "%.3f %s %s\n", $1 + $2, $3, $4 }' "$out.raw" >"$out.time"
}
field() { cut -d' ' -f"$1" "$2"; }
stat_of() { awk -v k="$1" '$1 == k { s += $2 } END { print s + 0 }' "$2"; }

# row NAME PACKETS REQUESTS TIMEFILE: one line of the table (ratios use the floor's
# and tshark's rates of the same file, set by bench_file)
row() {
  awk -v n="$1" -v p="$2" -v t="$3" -v c="$(field 1 "$4")" -v w="$(field 3 "$4")" \
      -v r="$(field 2 "$4")" -v fc="$fcpu" -v fw="$fwall" -v fp="$fpk" -v tc="$tcpu" -v tw="$twall" -v tr="$treq" '
    function d(x) { return x < 0.005 ? 0.005 : x }
    BEGIN { pc = p / d(c); pw = p / d(w)
      printf "%-24s %11.0f %9.0f %7.3f %7.3f", n, pc, t / d(c), pc / (fp / d(fc)), pw / (fp / d(fw))
      if (tr > 0 && t > 0) printf " %8.1f %8.1f", (t / d(c)) / (tr / d(tc)), (t / d(w)) / (tr / d(tw))
      else printf " %8s %8s", "-", "-"
      printf " %7.2f %7.2f %7.0f\n", c, w, r / 1024 }'
}

# bench_file LABEL FILE REPEAT TSHARK(0/1)
bench_file() {
  local label=$1 file=$2 rep=$3 do_tshark=$4 files=() s
  for _ in $(seq "$rep"); do files+=("$file"); done
  cat "$file" >/dev/null
  timed "$work/floor" "$work/floor" "${files[@]}"
  fpk=$(awk '{ print $2 }' "$work/floor.out"); fcpu=$(field 1 "$work/floor.time"); fwall=$(field 3 "$work/floor.time")
  tcpu=1 twall=1 treq=0
  if [ "$do_tshark" = 1 ]; then
    timed "$work/tshark" tshark -r "$file" -Y http.request -T fields -e frame.number
    treq=$(wc -l <"$work/tshark.out"); tcpu=$(field 1 "$work/tshark.time"); twall=$(field 3 "$work/tshark.time")
  fi
  local sensors=("$bin/securaflow-sensor")
  [ -n "${BEFORE:-}" ] && sensors+=("$BEFORE")
  # With BEFORE, ROUNDS rounds in ABBA order (current, before, before, current, ...) and
  # the median of each tool's runs: on a shared machine one run each is +-10 %.
  local rounds=1 r order
  [ -n "${BEFORE:-}" ] && rounds=${ROUNDS:-4}
  rm -f "$work"/runs-*
  for r in $(seq "$rounds"); do
    order=("${sensors[@]}")
    if [ ${#sensors[@]} = 2 ] && [ $(( (r - 1) % 4 )) -ge 1 ] && [ $(( (r - 1) % 4 )) -le 2 ]; then
      order=("${sensors[1]}" "${sensors[0]}")
    fi
    for s in "${order[@]}"; do
      for w in 1 2; do
        # one process per copy: the same file twice in one process looks like replayed flows
        timed "$work/s" bash -c 'for _ in $(seq "$1"); do "$2" -r "$3" -w /dev/null --workers "$4" 2>&1 >/dev/null; done' \
          _ "$rep" "$s" "$file" "$w"
        local tag=sensor; [ "$s" != "$bin/securaflow-sensor" ] && tag=before
        echo "$(stat_of packets "$work/s.out")|$(stat_of http_requests "$work/s.out")|$(cat "$work/s.time")" \
          >>"$work/runs-$tag-$w"
      done
    done
  done
  for tag in sensor before; do
    for w in 1 2; do
      [ -f "$work/runs-$tag-$w" ] || continue
      # the run with the median CPU time
      local med
      med=$(sort -t'|' -k3,3n "$work/runs-$tag-$w" | awk -v n="$rounds" 'NR == int((n + 1) / 2)')
      echo "$tag --workers $w|$med" >>"$work/rows"
    done
  done
  echo
  echo "== $label: $(basename "$file"), $(( fpk / rep )) packets, read ${rep}x by floor and sensor, tshark once"
  printf '%-24s %11s %9s %7s %7s %8s %8s %7s %7s %7s\n' tool pkts/cpu_s req/cpu_s xfloor xfloor xtshark xtshark cpu_s wall_s RSS_MiB
  printf '%-24s %11s %9s %7s %7s %8s %8s %7s %7s %7s\n' "" "" "" "(cpu)" "(wall)" "(cpu)" "(wall)" "" "" ""
  row "libpcap loop (floor)" "$fpk" 0 "$work/floor.time"
  while IFS='|' read -r n p t tm; do
    echo "$tm" >"$work/row.time"; row "$n" "$p" "$t" "$work/row.time"
  done <"$work/rows"
  rm -f "$work/rows"
  if [ "$do_tshark" = 1 ]; then
    row "tshark -Y http.request" "$(( fpk / rep ))" "$treq" "$work/tshark.time"
  fi
  if command -v httpry >/dev/null; then
    timed "$work/httpry" httpry -r "$file" -o "$work/httpry.log" tcp
    row "httpry (tcp)" "$(( fpk / rep ))" "$(awk -F'\t' '$4 == ">"' "$work/httpry.log" | wc -l)" "$work/httpry.time"
    rm -f "$work/httpry.log"
  else
    echo "httpry: not installed (apt-get install httpry)"
  fi
}

bench_file "generated" "$work/gen.pcap" 1 "$([ -n "${SKIP_TSHARK_LARGE:-}" ] && echo 0 || echo 1)"
bench_file "shared bench file" "$shared" "${REPEAT:-10}" 1
echo
echo "(x-columns: rate ratios to the floor's packet rate and to tshark's request rate on the"
echo " same file; cpu = per CPU second (user+system, all threads), wall = per elapsed second."
echo " req = HTTP requests found: sensor http_requests, tshark frames matching http.request"
echo " (pipelined requests in one frame count once), httpry request lines.)"
