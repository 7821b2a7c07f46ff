#!/bin/bash
# The dashboard in a real browser (Debian's chromium via playwright-core) against a real
# collector with its embedded PostgreSQL: dashboard/e2e/e2e.mjs. Screenshots of every page,
# light and dark, are kept in the test log folder (dashboard-screens/).
set -uo pipefail
source "$(dirname "$0")/lib.bash"
dash=$SF_SRC/dashboard
if [ ! -f "$dash/dist/index.html" ] || [ ! -d "$dash/node_modules/playwright-core" ]; then
  echo "dashboard not built (run make build)"; exit 1
fi
if [ ! -x /usr/bin/chromium ] && [ -z "${SF_CHROMIUM:-}" ]; then
  echo "chromium missing: scripts/install-deps.sh --browser"; exit 1
fi
port=$(free_port)
base="http://127.0.0.1:$port"
# run-all.sh exports SF_LOGDIR (its log folder); alone, the screenshots go to a new folder in /tmp.
if [ -n "${SF_LOGDIR:-}" ]; then artifacts=$SF_LOGDIR/dashboard-screens
else artifacts=$(mktemp -d "${TMPDIR:-/tmp}/sf-dashboard-screens-XXXXXX"); fi
mkdir -p "$artifacts"

"$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --listen "127.0.0.1:$port" \
  --dashboard-dir "$dash/dist" --rate-limit 1000000 --login-rate-limit 1000000 >"$scratch/collector.log" 2>&1 &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
check "collector starts" wait_http "$base/api/health" 120

check "GET /metrics from a browser is the dashboard page" bash -c \
  "curl -fs -H 'Accept: text/html' '$base/metrics' | grep -q '<div id=\"root\">'"
check "GET /metrics for Prometheus is still the exposition" bash -c \
  "curl -fs '$base/metrics' | grep -q '^# TYPE'"

(cd "$dash" && SF_COLLECTOR_PID=$pid timeout 240 node e2e/e2e.mjs "$base" "$artifacts") | tee "$scratch/e2e.log"
line=$(grep -E '^checks: [0-9]+ passed' "$scratch/e2e.log" | tail -n 1)
p=$(sed -E 's/^checks: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")
checks_passed=$((checks_passed + ${p:-0})); checks_failed=$((checks_failed + ${f:-1}))
echo "screenshots: $artifacts"

check "no error logged by the collector" bash -c "! grep -q '\"level\":\"error\"' '$scratch/collector.log'"
check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$scratch/collector.log'"
kill -INT "$pid"; for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
finish
