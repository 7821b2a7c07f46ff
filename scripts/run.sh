#!/bin/bash
# `make run`: starts SecuraFlow on this machine with its embedded defaults: the collector
# on http://127.0.0.1:8080 with a private PostgreSQL under ./var. Ctrl-C stops everything
# it started, in order, and leaves no process behind.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
listen=${SECURAFLOW_LISTEN:-127.0.0.1:8080}
mkdir -p var
pids=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -INT "${pids[$i]}" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  echo "stopped."
  exit 0
}
trap stop_all INT TERM EXIT

"$bin/securaflow-collector" --data-dir ./var --listen "$listen" >>var/collector.log 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  curl -fs "http://$listen/api/health" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "collector failed to start; see var/collector.log:"; tail -n 20 var/collector.log; exit 1; }
  sleep 0.1
done

cat <<MSG
SecuraFlow is running:
  collector   http://$listen/          (API under /api, health at /api/health)
  database    embedded PostgreSQL, data in ./var/pg (Unix socket only)
  logs        ./var/collector.log (JSON lines)
Press Ctrl-C to stop.
MSG
wait "${pids[0]}"
echo "collector exited; see var/collector.log"
