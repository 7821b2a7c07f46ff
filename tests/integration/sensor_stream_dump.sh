#!/bin/bash
# Reassembly acceptance: the sensor's stream-dump mode must reproduce PcapPlusPlus's
# expected reassembled TCP streams byte for byte (both directions in arrival order,
# "[N bytes missing]" for gaps; per-side files and the metadata summary too).
set -uo pipefail
bin=${SF_BIN:-build-asan/bin}
data=${SF_DATA:-../shared/data}
P=$data/pcap/pcapplusplus/Tests
E=$P/ExamplesTest/expected_output
X=$P/Pcap++Test/PcapExamples
[ -d "$P" ] || { echo "no PcapPlusPlus data"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-dump-XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

dump() { # out-dir pcap [flags...]
  local out=$1 pcap=$2; shift 2
  "$bin/securaflow-sensor" -r "$pcap" --stream-dump "$out" --quiet "$@" 2>"$out.log" ||
    { echo "sensor failed on $pcap"; cat "$out.log"; fail=$((fail + 1)); }
}
same() { # expected actual
  if cmp -s "$1" "$2"; then pass=$((pass + 1)); else echo "DIFF $1 vs $2"; fail=$((fail + 1)); fi
}
# Expected file must equal one of the produced files (names differ in the Pcap++ tests).
same_any() { # expected dir
  for g in "$2"/*.txt; do cmp -s "$1" "$g" && { pass=$((pass + 1)); return; }; done
  echo "no output matches $1"; fail=$((fail + 1))
}

dump "$work/multi" "$P/ExamplesTest/pcap_examples/http-packets.pcap"
for f in "$E"/tcpreassembly_multiple_streams/*.txt; do same "$f" "$work/multi/$(basename "$f")"; done
dump "$work/filter" "$P/ExamplesTest/pcap_examples/http-packets.pcap" --filter "tcp port 8868"
for f in "$E"/tcpreassembly_filter/*.txt; do same "$f" "$work/filter/$(basename "$f")"; done
[ "$(ls "$work/filter" | wc -l)" = 1 ] && pass=$((pass + 1)) || { echo "filter kept other streams"; fail=$((fail + 1)); }
dump "$work/sanity" "$P/ExamplesTest/pcap_examples/tcp-reassembly.pcap" --stream-dump-metadata
for f in "$E"/tcpreassembly_sanity/*.txt; do same "$f" "$work/sanity/$(basename "$f")"; done
dump "$work/sides" "$P/ExamplesTest/pcap_examples/tcp-reassembly.pcap" --stream-dump-sides
for f in "$E"/tcpreassembly_sides/*.txt; do same "$f" "$work/sides/$(basename "$f")"; done

for pair in one_tcp_stream:one_tcp_stream_output \
            one_http_stream_fin:one_http_stream_fin_output one_http_stream_fin2:one_http_stream_fin2_output \
            one_ipv6_http_stream:one_ipv6_http_stream three_http_streams:three_http_streams_conn_1_output \
            three_http_streams:three_http_streams_conn_2_output three_http_streams:three_http_streams_conn_3_output \
            four_ipv6_http_streams:one_ipv6_http_stream2 four_ipv6_http_streams:one_ipv6_http_stream3 \
            four_ipv6_http_streams:one_ipv6_http_stream4; do
  pcap=${pair%%:*} expected=${pair#*:}
  out="$work/pp-$pcap"
  [ -d "$out" ] || dump "$out" "$X/$pcap.pcap"
  same_any "$X/$expected.txt" "$out"
done
echo "checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
