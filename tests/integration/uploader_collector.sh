#!/bin/bash
# The sensor's uploader against the real collector: an ingest token is made with the
# collector's CLI; a capture is read once while the collector is down (batches go to the
# spool), then again once it is up (the spool goes first). Every record the sensor
# produced must be stored exactly once, and each batch id once. Then a batch that was
# already stored is put back in the spool, as after a lost acknowledgement: it is sent
# again and the collector stores nothing twice.
source "$(dirname "$0")/lib.bash"
sensor=${SF_BIN:-$SF_SRC/build/bin}/securaflow-sensor
collector=${SF_BIN:-$SF_SRC/build/bin}/securaflow-collector
pcap=${SF_DATA:-$SF_SRC/../shared/data}/pcap/zeek-http/1000-requests-one-dropped-response.pcap
for f in "$sensor" "$collector"; do
  [ -x "$f" ] || { echo "skipped: $(basename "$f") not built"; exit 77; }
done
[ -r "$pcap" ] || { echo "skipped: $pcap missing"; exit 77; }
command -v psql >/dev/null || { echo "skipped: psql missing"; exit 77; }
port=$(free_port)
var=$scratch/var

token=$("$collector" --data-dir "$var" token create itest-sensor 2>"$scratch/token.log")
check "ingest token created" [ -n "$token" ]

# The token goes in a file (never on the command line, where ps would show it).
(umask 077; printf '%s\n' "$token" >"$scratch/sensor.token")
run_sensor() { # name [capture]
  timeout 120 "$sensor" -r "${2:-$pcap}" -w "$scratch/$1.jsonl" --quiet --sensor-id itest \
    --collector "http://127.0.0.1:$port" --token-file "$scratch/sensor.token" \
    --spool-dir "$scratch/spool" >"$scratch/$1.log" 2>&1
}
check "run 1 (collector down) exits 0" run_sensor run1
check "run 1 spooled its batches" [ "$(find "$scratch/spool" -name '*.batch' | wc -l)" -ge 1 ]
mkdir "$scratch/saved" && cp "$scratch"/spool/*.batch "$scratch/saved/"

# The capture is from 2023: keep it past the default 7-day retention.
"$collector" --data-dir "$var" --listen "127.0.0.1:$port" --retention-days 3650 \
  >"$scratch/collector.log" 2>&1 &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
check "collector starts" wait_http "http://127.0.0.1:$port/api/health" 120
check "run 2 (collector up) exits 0" run_sensor run2
check "spool drained" [ "$(find "$scratch/spool" -name '*.batch' | wc -l)" = 0 ]
# Count what was stored (the writer is asynchronous: wait for it, a little).
expected=$(cat "$scratch"/run1.jsonl "$scratch"/run2.jsonl | wc -l)
sql() { psql "host=$var/pg port=5432 user=securaflow dbname=securaflow" -Atc "$1" 2>>"$scratch/psql.log"; }
for _ in $(seq 1 100); do
  stored=$(sql "select count(*) from traffic_logs")
  [ "$stored" = "$expected" ] && break
  sleep 0.1
done
batches=$(sql "select count(*), count(distinct batch_id) from ingest_batches")
echo "expected $expected records; stored $stored; batches (all, distinct) $batches"
sql "select batch_id, accepted, jsonb_array_length(rejected), left(rejected::text, 300) from ingest_batches"
check "every accepted record stored once ($stored of $expected)" [ "$stored" = "$expected" ]
check "each batch id stored once" [ "${batches%|*}" = "${batches#*|}" ]

cp "$scratch"/saved/*.batch "$scratch/spool/"
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0' >"$scratch/empty.pcap"
check "run 3 (resend of a stored batch) exits 0" run_sensor run3 "$scratch/empty.pcap"
check "spool drained again" [ "$(find "$scratch/spool" -name '*.batch' | wc -l)" = 0 ]
sleep 0.5
check "nothing stored twice" [ "$(sql "select count(*) from traffic_logs")" = "$expected" ]
check "no batch recorded twice" [ "$(sql "select count(*) from ingest_batches")" = "${batches%|*}" ]
kill -INT "$pid"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "collector stops on SIGINT" bash -c "! kill -0 $pid 2>/dev/null"
if [ "$checks_failed" != 0 ]; then
  tail -n 20 "$scratch"/run*.log "$scratch/collector.log" "$scratch/psql.log" 2>/dev/null
fi
finish
