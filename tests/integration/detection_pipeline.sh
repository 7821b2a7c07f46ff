# End-to-end detection (issue 11): `make run`'s own pipeline, started by scripts/run.sh from
# a scratch tree whose build/bin is the build under test: the collector, the shop with its
# visitors (250 addresses of 127.10.0.0/16, page loads), the sensor on lo, and the eight
# attack scenarios of tests/trafficgen/scenarios.h back to back from 15 s in. After about
# two minutes (the last scenario done and stored), from the collector's database: every
# scenario appears with one of its types, on its records and on its incident (what the
# anomaly list shows); normal traffic (everything but the scenarios' own records) is at most 1 % flagged; it came
# from many addresses; the sensor did not capture the collector's own port. Then a
# terminal's Ctrl-C (SIGINT to the script's process group): the script stops the visitors,
# the sensor, the shop and the collector in that order, the sensor's last batch reaches the
# collector (nothing spooled or dropped), no process is left, no log has an error or a
# sanitizer report. Figures per scenario are printed (tests/bench/detection_report.py).
source "$(dirname "$0")/lib.bash"
[ "$(id -u)" = 0 ] || { echo "needs root (capture on lo)"; exit 77; }
command -v psql >/dev/null && command -v setsid >/dev/null || { echo "psql or setsid not found"; exit 77; }
for p in securaflow-collector securaflow-sensor securaflow-trafficgen; do
  [ -x "$SF_BIN/$p" ] || { echo "no $SF_BIN/$p"; exit 77; }
done
run_seconds=${SF_PIPELINE_SECONDS:-100}
tree=$scratch/tree
mkdir -p "$tree/scripts" "$tree/build"
cp "$SF_SRC/scripts/run.sh" "$tree/scripts/"
ln -s "$SF_BIN" "$tree/build/bin"
cport=$(free_port)
sport=$(free_port)
out=$scratch/run.out
# A launcher that starts run.sh as a terminal would: its own process group, SIGINT not
# ignored (a background job of this script would inherit SIGINT ignored).
SECURAFLOW_LISTEN=127.0.0.1:$cport SECURAFLOW_DEMO_LISTEN=127.0.0.1:$sport \
SECURAFLOW_DEMO_SCHEDULE="15 2 0" python3 -c '
import os, signal, subprocess, sys
p = subprocess.Popen(["bash", sys.argv[1]], stdout=open(sys.argv[2], "w"), stderr=subprocess.STDOUT,
                     stdin=subprocess.DEVNULL, start_new_session=True,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
open(sys.argv[3], "w").write(str(p.pid))
sys.exit(p.wait())' "$tree/scripts/run.sh" "$out" "$scratch/run.pid" &
launcher=$!
for _ in $(seq 1 50); do [ -s "$scratch/run.pid" ] && break; sleep 0.1; done
runpid=$(cat "$scratch/run.pid")
# If a check fails half-way: SIGTERM to run.sh stops what it started; then whatever still
# listens on our two ports (started by this test) is killed.
cleanup_hooks+=("kill -TERM $runpid 2>/dev/null; wait $launcher 2>/dev/null; for p in \$(pgrep -f '127.0.0.1:($cport|$sport)'); do kill -9 \$p; done")

started=no
for _ in $(seq 1 900); do
  grep -q 'SecuraFlow is running' "$out" 2>/dev/null && { started=yes; break; }
  kill -0 "$runpid" 2>/dev/null || break
  sleep 0.1
done
check "make run's pipeline starts" [ "$started" = yes ]
[ "$started" = yes ] || { cat "$out"; tail -n 20 "$tree"/var/*.log; finish; exit 1; }
echo "== running for ${run_seconds}s (${SECONDS}s)"
sleep "$run_seconds"
for _ in $(seq 1 300); do # the last scenario is logged when it ends
  [ "$(grep -c . "$tree/var/scenarios.jsonl" 2>/dev/null)" -ge 8 ] && break; sleep 0.1
done
sleep 3 # its last records: the sensor's batch (1 s) and the collector's ingest

var=$tree/var
source "$SF_SRC/tests/bench/detection_export.bash"
check "database export" detection_export "host=$var/pg user=securaflow dbname=securaflow" "$scratch"
echo "== stopping with SIGINT to the process group (${SECONDS}s)"
kill -INT -- "-$runpid"
for _ in $(seq 1 900); do kill -0 "$runpid" 2>/dev/null || break; sleep 0.1; done
check "run.sh stops on Ctrl-C" bash -c "! kill -0 $runpid 2>/dev/null"
wait "$launcher" 2>/dev/null
cat "$out"

python3 "$SF_SRC/tests/bench/detection_report.py" "$var/scenarios.jsonl" "$scratch/traffic.csv" \
  "$scratch/anomalies.csv" 0 "$scratch/summary.json" 127.66.0.0/16,127.77.0.0/16 >"$scratch/report.md"
check "report made" [ -s "$scratch/summary.json" ]
cat "$scratch/report.md"

# json_check DESCRIPTION PYTHON-EXPR (s = the summary, scenarios = its list)
json_check() {
  check "$1" python3 -c "import json,sys; s=json.load(open('$scratch/summary.json')); scenarios=s['scenarios']; sys.exit(0 if ($2) else 1)"
}
json_check "all eight scenarios ran" "len(scenarios) == 8"
for name in scan bruteforce latency flood bruteforce-distributed injection 5xx oversized; do
  json_check "scenario $name appears with its type (records and incident)" "any(x['name'] == '$name' and x['detected'] for x in scenarios)"
done
json_check "normal traffic: at least 1,000 records" "s['real_measured'] >= 1000"
json_check "normal traffic at most 1 % flagged" "s['real_flagged_share'] <= 0.01"
check "normal traffic from at least 100 addresses" python3 -c "
import csv, sys
ips = {r[2] for r in csv.reader(open('$scratch/traffic.csv')) if r[2].startswith('127.10.')}
print(len(ips), 'visitor addresses'); sys.exit(0 if len(ips) >= 100 else 1)"
check "the sensor did not capture the collector's port" python3 -c "
import csv, sys
sys.exit(1 if any(r[9] == '$cport' for r in csv.reader(open('$scratch/traffic.csv'))) else 0)"

check "stopped in order: visitors, sensor, shop, collector" python3 -c "
import sys
lines = [l.strip() for l in open('$out')]
i = lines.index('stopping...')
sys.exit(0 if lines[i + 1:i + 5] == ['trafficgen-visitors', 'sensor', 'trafficgen-server', 'collector'] else 1)"
check "the sensor's last batch reached the collector" \
  grep -q '"msg":"uploader: stopped".*"records_dropped":0,"spool_bytes":0' "$var/sensor.log"
check "nothing spooled" bash -c "[ -z \"\$(ls '$var/spool' 2>/dev/null)\" ]"
check "no process left" bash -c "! pgrep -f '127.0.0.1:($cport|$sport)' >/dev/null"
check "no error logged by the collector" bash -c "! grep -q '\"level\":\"error\"' '$var/collector.log'"
check "no sanitizer report" bash -c "! grep -l 'Sanitizer' '$var'/*.log"
finish
