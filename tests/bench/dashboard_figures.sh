#!/bin/bash
# The dashboard's figures for the README: production JavaScript gzipped (all chunks, and what
# the first page load fetches), first contentful paint beside a floor page, ingest → anomaly
# on screen over 20 tries, and the chart's update time with 24 h of 1-minute buckets while
# live points arrive. Starts its own collector (normal build) with an embedded PostgreSQL.
#   tests/bench/dashboard_figures.sh        (after make build; needs chromium: install-deps.sh --browser)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dash=$root/dashboard
bin=${SF_BIN_FAST:-$root/build/bin}
[ -f "$dash/dist/index.html" ] || { echo "dashboard not built: make build" >&2; exit 1; }

echo "## Dashboard figures ($(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$root" rev-parse --short HEAD), $(chromium --version 2>/dev/null | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores)"
echo
total=0; first=0
entry=$(grep -oE 'assets/index-[^"]+\.js' "$dash/dist/index.html" | head -1)
for f in "$dash"/dist/assets/*.js; do
  n=$(gzip -9c "$f" | wc -c); total=$((total + n))
  [ "assets/$(basename "$f")" = "$entry" ] && first=$n
done
css=0; for f in "$dash"/dist/assets/*.css; do css=$((css + $(gzip -9c "$f" | wc -c))); done
printf 'Production JavaScript, gzip -9: %d kB in all chunks, %d kB loaded by the first page (entry chunk); CSS %d kB. Goal <= 250 kB.\n\n' \
  $(((total + 512) / 1024)) $(((first + 512) / 1024)) $(((css + 512) / 1024))

scratch=$(mktemp -d); chmod 755 "$scratch"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin/securaflow-collector" --data-dir "$scratch/var" --listen "127.0.0.1:$port" --dashboard-dir "$dash/dist" \
  --rate-limit 1000000 --login-rate-limit 1000000 >"$scratch/collector.log" 2>&1 &
pid=$!
stop() { kill -INT "$pid" 2>/dev/null; for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$scratch"; }
trap stop EXIT
for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/health" && break; sleep 0.1; done
(cd "$dash" && timeout 600 node e2e/figures.mjs "http://127.0.0.1:$port")
