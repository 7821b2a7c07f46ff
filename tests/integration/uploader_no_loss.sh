#!/bin/bash
# "No loss", end to end with the real sensor: a capture is read four times with
# --collector pointing at a stand-in collector (uploader_fake_collector.py). Run 1: the
# collector is down, so the batches stay in the spool. Run 2: it is up but answers 503
# once and loses one ack; the spool goes first, then the new batches. Run 3: after a
# collector restart. Run 4: the capture trickles in on standard input for a few seconds
# and the collector is killed and restarted in the middle. The collector must then hold
# exactly the runs' records (as the sensor also wrote them with -w), in order, none
# twice, and have had heartbeats.
source "$(dirname "$0")/lib.bash"
sensor=${SF_BIN:-$SF_SRC/build/bin}/securaflow-sensor
pcap=${SF_DATA:-$SF_SRC/../shared/data}/pcap/zeek-http/1000-requests-one-dropped-response.pcap
[ -x "$sensor" ] || { echo "skipped: securaflow-sensor not built"; exit 77; }
[ -r "$pcap" ] || { echo "skipped: $pcap missing"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
port=$(free_port)
spool=$scratch/spool
got=$scratch/received.jsonl

run_sensor() { # name [capture]
  SECURAFLOW_TOKEN=itest-token timeout 60 "$sensor" -r "${2:-$pcap}" -w "$scratch/$1.jsonl" \
    --quiet --sensor-id itest --collector "http://127.0.0.1:$port" --spool-dir "$spool" \
    >"$scratch/$1.log" 2>&1
}
trickle() { # the capture in 20 pieces over 4 seconds
  python3 -c 'import sys, time
data = open(sys.argv[1], "rb").read()
step = len(data) // 20 + 1
for i in range(0, len(data), step):
    sys.stdout.buffer.write(data[i:i + step]); sys.stdout.flush(); time.sleep(0.2)' "$pcap"
}
collector_up() { # extra args...
  python3 "$here/uploader_fake_collector.py" --port "$port" --out "$got" "$@" \
    2>>"$scratch/collector.log" &
  collector=$!
  cleanup_hooks+=("kill $collector 2>/dev/null")
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
    sleep 0.1
  done
  return 1
}
collector_down() { kill "$collector"; wait "$collector" 2>/dev/null; }
spooled() { find "$spool" -name '*.batch' | wc -l; }

check "run 1 (collector down) exits 0" run_sensor run1
check "run 1 left its batches in the spool" [ "$(spooled)" -ge 1 ]
check "nothing reached the collector" [ ! -e "$got" ]
check "collector starts (503 once, then loses one ack)" collector_up --fail-first 1 --lose-ack 2
check "run 2 exits 0" run_sensor run2
check "spool drained" [ "$(spooled)" = 0 ]
collector_down
check "collector restarts, keeping what it stored" collector_up
check "run 3 exits 0" run_sensor run3
check "spool still empty" [ "$(spooled)" = 0 ]
trickle | run_sensor run4 - &
run4=$!
sleep 1
collector_down
spools_soon() { # a loaded machine (sanitizer builds, CI) may take a while to spool
  for _ in $(seq 1 150); do [ "$(spooled)" -ge 1 ] && return 0; sleep 0.1; done
  return 1
}
check "run 4 spools while the collector is away" spools_soon
check "collector comes back during run 4" collector_up
wait "$run4"
check "run 4 exits 0" [ $? = 0 ]
check "spool empty after run 4" [ "$(spooled)" = 0 ]
collector_down

python3 - "$scratch" >"$scratch/compare.txt" 2>&1 <<'PY'
import json, sys
d = sys.argv[1]
def result(ok, what):
    print(("ok " if ok else "FAILED ") + what)
written = []
for run in ("run1", "run2", "run3", "run4"):
    written += [(r["@timestamp"], r.get("source.port"), r.get("http.request.method"),
                 r.get("url.original"), r.get("http.response.status_code"))
                for r in map(json.loads, open(f"{d}/{run}.jsonl"))]
stored = [json.loads(l) for l in open(f"{d}/received.jsonl")]
got = [(s["record"].get("timestamp"), s["record"].get("client_port"), s["record"].get("method"),
        s["record"].get("endpoint"), s["record"].get("status_code")) for s in stored]
result(len(written) >= 4000, f"the sensor wrote {len(written)} records in four runs")
result(len(got) == len(written), f"collector stored {len(got)} of {len(written)}")
result(got == written, "same records in the same order")
batches = [s["batch_id"] for s in stored]
ids = list(dict.fromkeys(batches))
result(all(i.startswith("itest-") for i in ids), f"batch ids carry the sensor id ({ids[:2]})")
try:
    dups = open(f"{d}/received.jsonl.duplicates").read().split()
except FileNotFoundError:
    dups = []
result(len(dups) >= 1, f"the resend after the lost ack was answered as a duplicate ({dups})")
hb = [json.loads(l) for l in open(f"{d}/received.jsonl.heartbeats")]
result(any(h.get("sensor_id") == "itest" and "spooled_bytes" in h.get("stats", {}) for h in hb),
       f"{len(hb)} heartbeats with the uploader's counters")
PY
cat "$scratch/compare.txt"
while read -r status what; do
  check "$what" [ "$status" = ok ]
done < <(grep -E '^(ok|FAILED) ' "$scratch/compare.txt")
check "comparison ran to the end" grep -q 'heartbeats' "$scratch/compare.txt"
if [ "$checks_failed" != 0 ]; then
  tail -n 20 "$scratch"/run*.log "$scratch/collector.log"
fi
finish
