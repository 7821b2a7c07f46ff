#!/bin/bash
# Regenerates tests/pcap/expected/ from tshark, the oracle for the pcap acceptance test
# (tests/integration/sensor_pcap.sh), so CI needs no tshark. For every capture under
# ../shared/data/pcap and ../shared/data/bench it writes <path with / as __>.tsv:
#   REQ  frame time_epoch client_ip client_port server_ip server_port method uri
#   RESP frame time_epoch server_ip server_port client_ip client_port code http.time request_in
# (one line per message; several messages in one frame are split apart), and
# SUMMARY.tsv: file, tshark requests, tshark responses. The bench capture only gets
# its counts (its transactions are copies of the others).
# Usage: tests/pcap/gen-expected.sh   (from anywhere; needs tshark and python3)
#        tests/pcap/gen-expected.sh CAPTURE_DIR OUT_DIR   the same for the captures in
#        CAPTURE_DIR (named DIRNAME__FILE), e.g. those of make_fidelity.py
set -euo pipefail
dirs=()
if [ $# -ge 2 ]; then
  dirs=("$(cd "$1" && pwd)"); data=$(dirname "${dirs[0]}"); out=$(mkdir -p "$2" && cd "$2" && pwd)
fi
cd "$(dirname "$0")/../.."
if [ ${#dirs[@]} = 0 ]; then
  data=../shared/data; out=tests/pcap/expected; dirs=("$data/pcap" "$data/bench")
fi
command -v tshark >/dev/null || { echo "gen-expected: tshark not found" >&2; exit 1; }
rm -f "$out"/*.tsv
mkdir -p "$out"
printf 'file\trequests\tresponses\n' >"$out/SUMMARY.tsv"

fields() { # filter field...
  local file=$1 filter=$2; shift 2
  local args=()
  for f in "$@"; do args+=(-e "$f"); done
  tshark -r "$file" -Y "$filter" -T fields -E separator=/t -E aggregator=$'\x1f' \
    -E occurrence=a "${args[@]}" 2>/dev/null || true
}

addr='ip.src ipv6.src tcp.srcport ip.dst ipv6.dst tcp.dstport'
find "${dirs[@]}" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort |
while read -r file; do
  rel=${file#"$data"/}
  name=${rel//\//__}
  # shellcheck disable=SC2086
  { fields "$file" http.request frame.number frame.time_epoch $addr http.request.method http.request.uri |
      sed 's/^/REQ\t/'
    fields "$file" http.response frame.number frame.time_epoch $addr http.response.code http.time http.request_in |
      sed 's/^/RESP\t/'
  } | python3 -c '
import sys
# Split frames carrying several messages (aggregated with \x1f) into one line each;
# pick the IPv4 or IPv6 address column, whichever is set.
for line in sys.stdin:
    c = line.rstrip("\n").split("\t")
    kind, frame, t, s4, s6, sp, d4, d6, dp = c[:9]
    src, dst = (s4 or s6).split("\x1f")[-1], (d4 or d6).split("\x1f")[-1]
    sp, dp = sp.split("\x1f")[-1], dp.split("\x1f")[-1]
    rest = [x.split("\x1f") for x in c[9:]]
    n = max(len(x) for x in rest)
    for i in range(n):
        vals = [x[i] if i < len(x) else "" for x in rest]
        print("\t".join([kind, frame, t, src, sp, dst, dp] + vals))
' >"$out/$name.tsv.tmp"
  nreq=$(grep -c '^REQ' "$out/$name.tsv.tmp" || true)
  nresp=$(grep -c '^RESP' "$out/$name.tsv.tmp" || true)
  printf '%s\t%s\t%s\n' "$rel" "$nreq" "$nresp" >>"$out/SUMMARY.tsv"
  if [[ $rel == bench/* ]]; then rm -f "$out/$name.tsv.tmp"; else mv "$out/$name.tsv.tmp" "$out/$name.tsv"; fi
done
echo "gen-expected: $(($(wc -l <"$out/SUMMARY.tsv") - 1)) captures -> $out"
