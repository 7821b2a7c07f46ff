# The reference system's own frontend requests, in a real browser (Debian's chromium via
# playwright-core) against a real collector: tests/browser/reference-app/run.mjs makes
# the requests reference-system.md section 12 lists (guest, sign up, sign in, reload,
# Dashboard, Anomalies, Metrics, Model Performance) from a page on another origin (CORS
# preflights for real) and again same-origin, checks that an origin not in cors_origins
# is refused, that reloading /metrics and /anomalies gets the app, and that /api/metrics
# without limit counts every request of the window.
set -uo pipefail
source "$(dirname "$0")/lib.bash"
app=$SF_SRC/tests/browser/reference-app
if [ ! -x /usr/bin/chromium ] && [ -z "${SF_CHROMIUM:-}" ]; then
  echo "chromium missing: scripts/install-deps.sh --browser"; exit 1
fi
if [ ! -d "$app/node_modules/playwright-core" ]; then
  (cd "$app" && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed in $app"; exit 1; }
fi
port=$(free_port)
page_port=$(free_port)
base="http://127.0.0.1:$port"
"$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --listen "127.0.0.1:$port" \
  --dashboard-dir "$app/page" --cors-origins "http://127.0.0.1:$page_port" \
  >"$scratch/collector.log" 2>&1 &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
check "collector starts" wait_http "$base/api/health" 120
# The first account is the admin; the browser's sign-ups are then analysts, as for a user.
curl -fs -o /dev/null -H 'Content-Type: application/json' -X POST "$base/api/auth/signup" \
  -d '{"email":"owner@example.com","username":"owner","password":"owner-password-1"}'
check "the owner's account" [ $? = 0 ]

(cd "$app" && timeout 300 node run.mjs "$base" "$page_port") | tee "$scratch/browser.log"
line=$(grep -E '^checks: [0-9]+ passed' "$scratch/browser.log" | tail -n 1)
p=$(sed -E 's/^checks: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")
checks_passed=$((checks_passed + ${p:-0})); checks_failed=$((checks_failed + ${f:-1}))

check "no error logged by the collector" bash -c "! grep -q '\"level\":\"error\"' '$scratch/collector.log'"
kill -INT "$pid"; for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "collector stops on SIGINT" bash -c "! kill -0 $pid 2>/dev/null"
check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$scratch/collector.log'"
finish
