# securaflow-model end to end on small real data (fast under ASan): train, eval and score
# a CSV (ODDS mammography) and raw HTTP requests (the first CSIC 2010 requests), explain,
# and clear errors for malformed input and corrupt or missing model files.
source "$(dirname "$0")/lib.bash"
model=$SF_BIN/securaflow-model
[ -x "$model" ] || { echo "no $model"; exit 77; }
odds=$SF_DATA/odds/mammography.csv.gz
csic=$SF_DATA/csic2010
[ -r "$odds" ] && [ -r "$csic/normalTrafficTraining.txt.gz" ] || { echo "no shared data"; exit 77; }

# The first N requests of a CSIC file (a request starts at a line "METHOD http").
first_requests() { # file n
  zcat "$1" | awk -v n="$2" '/^(GET|POST|PUT) /{k++} k>n{exit} {print}'
}
jq_true() { jq -e "$@" >/dev/null; }
json_at_least() { # file key minimum
  jq -e --arg k "$2" --argjson min "$3" '.[$k] >= $min' "$1" >/dev/null
}

check "train on a CSV" "$model" train --in "$odds" --out "$scratch/m.sfm" --seed 3 \
  --trees 50 >"$scratch/train.json"
check "train prints a summary with the threshold" jq_true '.rows == 11183 and .threshold > 0.5' \
  "$scratch/train.json"
check "eval prints the metrics" "$model" eval --model "$scratch/m.sfm" --in "$odds" \
  >"$scratch/eval.json"
check "eval has every field" jq_true 'has("rows") and has("roc_auc") and has("pr_auc") and
  has("precision") and has("recall") and has("f1") and has("accuracy") and has("threshold")
  and has("tp") and has("fp") and has("tn") and has("fn")' "$scratch/eval.json"
check "mammography ROC AUC >= 0.8" json_at_least "$scratch/eval.json" roc_auc 0.8
check "confusion matrix adds up" jq_true '.tp + .fp + .tn + .fn == .rows' "$scratch/eval.json"
check "--exclude-labelled trains on normal rows only" "$model" train --in "$odds" \
  --out "$scratch/m2.sfm" --exclude-labelled --trees 20 >"$scratch/train2.json"
check "  ... 260 anomalies left out" jq_true '.rows == 10923' "$scratch/train2.json"

check "score with --explain" "$model" score --model "$scratch/m.sfm" --in "$odds" --explain \
  --out "$scratch/scores.csv"
check "one score per row plus a header" [ "$(wc -l <"$scratch/scores.csv")" = 11184 ]
check "flagged rows carry reasons" grep -qE '^0\.[0-9]+,1,".*above the usual' "$scratch/scores.csv"

first_requests "$csic/normalTrafficTraining.txt.gz" 3000 >"$scratch/train.txt"
first_requests "$csic/normalTrafficTest.txt.gz" 1000 >"$scratch/normal.txt"
first_requests "$csic/anomalousTrafficTest.txt.gz" 1000 >"$scratch/anomalous.txt"
check "train on raw HTTP requests" "$model" train --format http --in "$scratch/train.txt" \
  --out "$scratch/http.sfm" --trees 50 >"$scratch/http_train.json"
check "  ... 3000 requests" jq_true '.rows == 3000' "$scratch/http_train.json"
check "eval on normal + anomalous requests" "$model" eval --format http \
  --model "$scratch/http.sfm" --in "$scratch/normal.txt" --anomalous "$scratch/anomalous.txt" \
  >"$scratch/http_eval.json"
check "  ... 2000 rows, ROC AUC >= 0.8" jq_true '.rows == 2000 and .roc_auc >= 0.8' \
  "$scratch/http_eval.json"
check "features writes the same rows as CSV" "$model" features --format http \
  --in "$scratch/normal.txt" --out "$scratch/features.csv"
check "  ... header + 1000 rows" [ "$(wc -l <"$scratch/features.csv")" = 1001 ]

fails_with() { # message command...
  local msg=$1; shift
  ! "$@" >/dev/null 2>"$scratch/err" && grep -q -- "$msg" "$scratch/err"
}
printf 'a,b\n1,2\n3,x\n' >"$scratch/bad.csv"
check "malformed CSV: line and column named" fails_with "line 3, column 'b'" \
  "$model" train --in "$scratch/bad.csv" --out "$scratch/x.sfm"
printf 'GET /x HTTP/1.1\r\nHost: a\r\n' >"$scratch/trunc.txt"
check "truncated HTTP request" fails_with "truncated" \
  "$model" train --format http --in "$scratch/trunc.txt" --out "$scratch/x.sfm"
head -c 200 "$scratch/m.sfm" >"$scratch/cut.sfm"
check "truncated model file" fails_with "checksum" \
  "$model" eval --model "$scratch/cut.sfm" --in "$odds"
check "not a model file" fails_with "bad magic" \
  "$model" score --model "$odds" --in "$odds"
check "missing model file" fails_with "cannot open" \
  "$model" score --model "$scratch/none.sfm" --in "$odds"
check "model needs the input's columns" fails_with "no column" \
  "$model" score --model "$scratch/http.sfm" --in "$odds"
check "unknown option" fails_with "unknown option --tress" \
  "$model" train --in "$odds" --out "$scratch/x.sfm" --tress 5
check "no partial model left behind" [ ! -e "$scratch/x.sfm" ]
finish
