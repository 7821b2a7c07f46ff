#!/bin/bash
# Benchmark: the Isolation Forest on HTTP DATASET CSIC 2010 (../shared/data/csic2010).
# Train on normalTrafficTraining (36,000 normal requests, no labels used), evaluate on
# normalTrafficTest (36,000, normal) + anomalousTrafficTest (25,065, anomalous), at the
# threshold calibrated on the training scores (1 % contamination). Mean of 5 seeds.
#
# Then the ablation: the default feature set minus each of its groups, plus each other
# group, without the forest's split-range extension (SF_HTTP_RANGE_EXTENSION), everything,
# and everything but the learned request profile. Last, Debian's scikit-learn
# IsolationForest on exactly our default feature rows (same psi, t, seeds; it has no range
# extension, so compare it with the "range extension 0" row).
#
#   tests/bench/model_csic.sh [--seeds 5]      SF_BIN_FAST=build/bin by default
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=5
[ "${1:-}" = --seeds ] && seeds=$2
bin=${SF_BIN_FAST:-build/bin}/securaflow-model
data=${SF_DATA:-../shared/data}/csic2010
[ -x "$bin" ] || { echo "no $bin: build first (scripts/build.sh build)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
train=$data/normalTrafficTraining.txt.gz
normal=$data/normalTrafficTest.txt.gz
anomalous=$data/anomalousTrafficTest.txt.gz

run() { # label, then train options; prints one table row (means over the seeds)
  local label=$1; shift
  for seed in $(seq 1 "$seeds"); do
    "$bin" train --format http --in "$train" --out "$tmp/m.sfm" --seed "$seed" "$@" \
      >"$tmp/train.json"
    "$bin" eval --format http --model "$tmp/m.sfm" --in "$normal" --anomalous "$anomalous" \
      | jq -c --slurpfile t "$tmp/train.json" '. + {features: $t[0].features}'
  done >"$tmp/runs.jsonl"
  jq -rs --arg name "$label" '
    def mean(f): (map(f) | add) / length;
    [$name, (.[0].features|tostring), mean(.roc_auc), mean(.pr_auc), mean(.f1),
     mean(.precision), mean(.recall), mean(.fp / (.fp + .tn))]
    | "\(.[0]) | \(.[1]) | \(.[2]*10000|round/10000) | \(.[3]*10000|round/10000) | \(.[4]*10000|round/10000) | \(.[5]*10000|round/10000) | \(.[6]*10000|round/10000) | \(.[7]*10000|round/10000)"' \
    "$tmp/runs.jsonl"
}

echo "CSIC 2010, t=100 psi=256, range extension 0.5, threshold at 1 % training contamination," \
  "mean of $seeds seeds"
echo "feature set | features | ROC AUC | PR AUC | F1 | precision | recall (detection) | FP rate"
echo "--- | --- | --- | --- | --- | --- | --- | ---"
run "default (meta, kw, profile.surprise, ctx)"
run "  without meta." --exclude-features meta.
run "  without kw." --exclude-features kw.
run "  without profile.surprise" --exclude-features profile.surprise
for group in path. query. body. args. profile.; do
  run "  plus $group" --features "meta.,kw.,profile.surprise,ctx.,$group"
done
run "  forest range extension 0 (the paper's splits)" --range-extension 0
run "all groups" --features all
run "all groups, range extension 0" --features all --range-extension 0
run "all groups but profile. (no learning of the site)" --exclude-features profile. --features all

# scikit-learn on the same rows: our training rows (with their cross-fitted profile
# features) and our test rows (with the trained model's profile).
"$bin" train --format http --in "$train" --out "$tmp/m.sfm" --seed 1 >/dev/null
"$bin" features --format http --in "$train" --out "$tmp/train.csv"
"$bin" features --format http --model "$tmp/m.sfm" --in "$normal" --anomalous "$anomalous" \
  --out "$tmp/test.csv"
OMP_NUM_THREADS=1 /usr/bin/python3 - "$tmp/train.csv" "$tmp/test.csv" "$seeds" <<'PY'
import sys
import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
train = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
test = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
x_train, x_test, y = train[:, :-1], test[:, :-1], test[:, -1] != 0
rows = []
for seed in range(1, int(sys.argv[3]) + 1):
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed).fit(x_train)
    threshold = np.quantile(-forest.score_samples(x_train), 0.99)
    scores = -forest.score_samples(x_test)
    flagged = scores >= threshold
    rows.append((roc_auc_score(y, scores), average_precision_score(y, scores),
                 f1_score(y, flagged), flagged[y].mean(), flagged[~y].mean()))
m = np.mean(rows, axis=0)
print("scikit-learn, default set | %d | %.4f | %.4f | %.4f | | %.4f | %.4f" % (
    x_train.shape[1], m[0], m[1], m[2], m[3], m[4]))
PY
