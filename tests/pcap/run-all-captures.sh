#!/bin/bash
# Runs the sensor over every capture listed in tests/pcap/expected/SUMMARY.tsv (except
# the bench file) and compares with tshark's expected transactions (compare.py).
# usage: tests/pcap/run-all-captures.sh SENSOR_BINARY OUT_DIR [DATA_DIR]
# Exit status: 0 when the sensor exited cleanly on every capture; writes OUT_DIR/report.tsv
# and OUT_DIR/<name>.log (stderr: statistics, sanitizer reports).
set -uo pipefail
sensor=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
data=${3:-$here/../../../shared/data}
mkdir -p "$out"
names=()
rc=0
while IFS=$'\t' read -r rel _ _; do
  [[ $rel == file || $rel == bench/* ]] && continue
  name=${rel//\//__}
  names+=("$name")
  if ! "$sensor" -r "$data/$rel" -w "$out/$name.jsonl" --secret-keys "" --ports 80 \
       >/dev/null 2>"$out/$name.log"; then
    echo "sensor failed on $rel (see $out/$name.log)" >&2
    rc=1
  fi
done <"$here/expected/SUMMARY.tsv"
python3 "$here/compare.py" "$here/expected" "$out" "${names[@]}" >"$out/report.tsv" || rc=1
exit $rc
