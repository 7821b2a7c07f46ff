#!/bin/bash
# `make run`: starts SecuraFlow on this machine with its embedded defaults:
#   - the collector on http://127.0.0.1:8080 with a private PostgreSQL under ./var,
#   - the traffic generator's shop API on 127.0.0.1:8090 and a client driving it (a few
#     requests a second, with an occasional anomaly),
#   - the sensor capturing on lo, watching both ports, uploading to the collector.
# Ctrl-C (or SIGTERM) stops everything it started, in reverse order (SIGTERM: children of a
# non-interactive shell ignore SIGINT), and leaves no process behind.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
listen=${SECURAFLOW_LISTEN:-127.0.0.1:8080}
shop=${SECURAFLOW_DEMO_LISTEN:-127.0.0.1:8090}
mkdir -p var
pids=()
names=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[$i]}" 2>/dev/null
  done
  echo "stopped."
  exit 0
}
trap stop_all INT TERM EXIT

start() { # name logfile command...
  local name=$1 log=$2; shift 2
  "$@" >>"$log" 2>&1 &
  pids+=($!)
  names+=("$name")
}

# An ingest token for the sensor (a new one each run; only its hash is stored). It goes to
# the sensor in a file readable only by us, never on a command line (ps shows those).
(umask 077; "$bin/securaflow-collector" --data-dir ./var token create "make-run-$(date +%s)" \
  >var/sensor.token 2>>var/collector.log) || {
  echo "could not create an ingest token; see var/collector.log:"; tail -n 5 var/collector.log; exit 1; }

start collector var/collector.log "$bin/securaflow-collector" --data-dir ./var --listen "$listen"
for _ in $(seq 1 600); do
  curl -fs "http://$listen/api/health" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "collector failed to start; see var/collector.log:"; tail -n 20 var/collector.log; exit 1; }
  sleep 0.1
done

extras=""
if [ -x "$bin/securaflow-trafficgen" ]; then
  start trafficgen-server var/trafficgen.log "$bin/securaflow-trafficgen" serve --listen "$shop"
  for _ in $(seq 1 50); do curl -fs "http://$shop/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
  if ! kill -0 "${pids[-1]}" 2>/dev/null; then
    echo "the demo API could not start on $shop (port taken?); see var/trafficgen.log"; exit 1
  fi
  if [ -x "$bin/securaflow-sensor" ]; then
    start sensor var/sensor.log "$bin/securaflow-sensor" -i lo --ports "${listen##*:},${shop##*:}" \
      --collector "http://$listen" --token-file var/sensor.token --sensor-id "$(hostname)-lo" \
      --spool-dir var/spool
    extras="$extras
  sensor      capturing on lo (ports ${listen##*:}, ${shop##*:}), uploading to the collector; log ./var/sensor.log"
  fi
  sleep 1
  start trafficgen-driver var/trafficgen.log "$bin/securaflow-trafficgen" drive --target "http://$shop" \
    --requests 100000000 --concurrency 2 --rate 5 --anomalies latency,5xx,scan,injection --anomaly-rate 0.01
  extras="$extras
  demo API    http://$shop/ (a small shop API) with a client sending ~5 requests/s; log ./var/trafficgen.log"
fi

cat <<MSG
SecuraFlow is running:
  collector   http://$listen/          (API under /api, health at /api/health, live stream /api/stream)
  database    embedded PostgreSQL, data in ./var/pg (Unix socket only)$extras
  accounts    open http://$listen/ and sign up: the first account is the admin; or
              $bin/securaflow-collector --data-dir ./var user add NAME --role admin  (password on stdin)
  logs        ./var/collector.log (JSON lines)
Press Ctrl-C to stop.
MSG
wait "${pids[0]}"
echo "collector exited; see var/collector.log"
