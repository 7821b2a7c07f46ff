#!/bin/bash
# Benchmark: our Isolation Forest against Debian's python3-sklearn IsolationForest, side by
# side in one run, on the ODDS sets of the Isolation Forest paper (../shared/data/odds).
# Same psi and t, same seeds, single thread, train on all rows and score all rows as in the
# paper. Reports mean ROC AUC and PR AUC over the seeds for both, and speed ratios (ours
# faster by x) for training and for batch scoring. Ratios, not absolute times, are the point.
#
#   tests/bench/iforest_vs_sklearn.sh [--seeds 5] [--trees 100] [--sample-size 256] [DATASET...]
#   SF_BIN_FAST=build/bin (default) is where securaflow-model is.
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=5 trees=100 psi=256 sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --trees) trees=$2; shift 2 ;;
    --sample-size) psi=$2; shift 2 ;;
    *) sets+=("$1"); shift ;;
  esac
done
[ ${#sets[@]} -gt 0 ] || sets=(http shuttle mammography)
bin=${SF_BIN_FAST:-build/bin}/securaflow-model
data=${SF_DATA:-../shared/data}/odds
[ -x "$bin" ] || { echo "no $bin: build first (scripts/build.sh build)" >&2; exit 1; }
/usr/bin/python3 -c 'import sklearn' 2>/dev/null || {
  echo "python3-sklearn missing: scripts/install-deps.sh --bench" >&2; exit 1; }
cores=$(nproc) # before OMP_NUM_THREADS, which nproc obeys
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

echo "Isolation Forest, t=$trees psi=$psi, $seeds seeds, single thread; $cores cores, $(uname -m)"
echo "sklearn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)')," \
     "securaflow-model $("$bin" --version | cut -d' ' -f2)"
printf '%-12s %8s | %8s %8s | %8s %8s | %9s %9s %7s | %10s %10s %7s\n' dataset rows \
  roc_ours roc_skl pr_ours pr_skl train_ours train_skl ratio rows/s_ours rows/s_skl ratio
for set in "${sets[@]}"; do
  file=$data/$set.csv.gz
  "$bin" bench --in "$file" --trees "$trees" --sample-size "$psi" --seed 1 --seeds "$seeds" \
    >"$tmp/ours.json"
  /usr/bin/python3 tests/bench/iforest_sklearn.py "$file" "$trees" "$psi" 1 "$seeds" \
    >"$tmp/sklearn.json"
  /usr/bin/python3 - "$set" "$tmp/ours.json" "$tmp/sklearn.json" <<'PY'
import json, sys
name, ours, skl = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
print("%-12s %8d | %8.4f %8.4f | %8.4f %8.4f | %8.4fs %8.4fs %6.1fx | %10.0f %10.0f %6.1fx" % (
    name, ours["rows"], ours["roc_auc_mean"], skl["roc_auc_mean"], ours["pr_auc_mean"],
    skl["pr_auc_mean"], ours["train_seconds_mean"], skl["train_seconds_mean"],
    skl["train_seconds_mean"] / ours["train_seconds_mean"], ours["score_rows_per_second"],
    skl["score_rows_per_second"], ours["score_rows_per_second"] / skl["score_rows_per_second"]))
PY
done
