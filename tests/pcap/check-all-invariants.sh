#!/bin/bash
# The invariant check (check_invariants.py) over every capture run-all-captures.sh ran:
# for each, securaflow-capture-spans says when each TCP direction was seen; every
# record's times must lie within them (and within the capture's span), and every
# response with a whole status line must have a status.
# usage: tests/pcap/check-all-invariants.sh SPANS_BINARY OUT_DIR [DATA_DIR]
#   (OUT_DIR as left by run-all-captures.sh: <name>.jsonl per capture)
# Prints the violations, then "invariants: N records, M violations in K captures";
# exits 1 if there is any violation.
set -uo pipefail
spans=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
data=${3:-$here/../../../shared/data}
names=()
while IFS=$'\t' read -r rel _ _; do
  [[ $rel == file || $rel == bench/* ]] && continue
  name=${rel//\//__}
  [ -f "$out/$name.jsonl" ] || continue
  "$spans" "$data/$rel" >"$out/$name.spans" 2>/dev/null || true
  names+=("$name")
done <"$here/expected/SUMMARY.tsv"
SF_INVARIANTS_SUMMARY=1 python3 "$here/check_invariants.py" --dir "$out" "${names[@]}"
