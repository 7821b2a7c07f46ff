#!/bin/bash
# `make run`: starts SecuraFlow on this machine with its embedded defaults:
#   - the collector on http://127.0.0.1:8080 with a private PostgreSQL under ./var,
#   - the traffic generator's shop (web pages, assets and a JSON API) on 127.0.0.1:8090 and
#     visitors browsing it (~20 requests/s from 250 addresses of 127.10.0.0/16, page loads:
#     a page, its assets, its API calls), with the attack scenarios of
#     tests/trafficgen/scenarios.h one after the other a minute in, again every 10 minutes
#     (what ran and when: ./var/scenarios.jsonl),
#   - the sensor capturing on lo, watching the shop's port only (not the collector's own
#     ingest), uploading to the collector.
# Ctrl-C (or SIGTERM) stops the visitors, then the sensor (its last batch reaches the
# collector, which is still up), then the shop, and the collector last; nothing is left
# behind. Each child runs in its own session, so the terminal's Ctrl-C reaches only this
# script, which stops them in that order.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
listen=${SECURAFLOW_LISTEN:-127.0.0.1:8080}
shop=${SECURAFLOW_DEMO_LISTEN:-127.0.0.1:8090}
# When the attack scenarios run: first after START s, GAP s between them, all again every
# REPEAT s (0 = once). The end-to-end test runs them back to back.
read -r -a schedule <<<"${SECURAFLOW_DEMO_SCHEDULE:-60 20 600}"
mkdir -p var
pids=()
names=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  for ((i=${#pids[@]}-1; i>=0; i--)); do # started collector, shop, sensor, visitors
    echo "  ${names[$i]}"
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
  setsid "$@" >>"$log" 2>&1 </dev/null &
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
  start trafficgen-server var/trafficgen.log "$bin/securaflow-trafficgen" serve --listen "$shop" \
    --max-body 33554432
  for _ in $(seq 1 50); do curl -fs "http://$shop/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
  if ! kill -0 "${pids[-1]}" 2>/dev/null; then
    echo "the demo API could not start on $shop (port taken?); see var/trafficgen.log"; exit 1
  fi
  if [ -x "$bin/securaflow-sensor" ]; then
    start sensor var/sensor.log "$bin/securaflow-sensor" -i lo --ports "${shop##*:}" \
      --collector "http://$listen" --token-file var/sensor.token --sensor-id "$(hostname)-lo" \
      --spool-dir var/spool
    extras="$extras
  sensor      capturing on lo (port ${shop##*:}), uploading to the collector; log ./var/sensor.log"
  fi
  sleep 1
  start trafficgen-visitors var/trafficgen.log "$bin/securaflow-trafficgen" drive --target "http://$shop" \
    --requests 1000000000 --concurrency 4 --rate 20 --clients 250 --browse \
    --scenarios all --scenario-start "${schedule[0]}" --scenario-gap "${schedule[1]}" \
    --scenario-repeat "${schedule[2]}" \
    --scenario-log var/scenarios.jsonl
  extras="$extras
  demo shop   http://$shop/ with ~20 requests/s of visitors from 250 addresses; the attack
              scenarios from ${schedule[0]} s in, one at a time (./var/scenarios.jsonl); log ./var/trafficgen.log"
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
