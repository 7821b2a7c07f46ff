#!/bin/bash
# Live capture acceptance test: the traffic generator's shop server on 127.0.0.1, the
# sensor capturing on lo, and a few thousand requests driven at it: keep-alive,
# fresh connections, pipelined, chunked bodies both ways (the mix has some), HEAD,
# 204, 401, 404 and 5xx. The sensor must find exactly the transactions the client made,
# with the same methods, paths, queries and statuses, connection by connection, no flags,
# no kernel drops, and durations consistent with the client's own timings (the sensor
# cannot see longer than the client waited, and not much shorter either).
# Needs root (or CAP_NET_RAW) for the capture: skipped (77) without it.
source "$(dirname "$0")/lib.bash"
bin=${SF_BIN:-$SF_SRC/build/bin}
sensor=$bin/securaflow-sensor
tg=$bin/securaflow-trafficgen
[ -x "$tg" ] || tg=${SF_BIN_FAST:-$SF_SRC/build/bin}/securaflow-trafficgen
if [ ! -x "$sensor" ] || [ ! -x "$tg" ]; then
  echo "skipped: securaflow-sensor or securaflow-trafficgen not built"; exit 77
fi
if [ "$(id -u)" != 0 ]; then echo "skipped: live capture needs root"; exit 77; fi

"$tg" serve --listen 127.0.0.1:0 --port-file "$scratch/port" --latency-scale 0.2 \
  >"$scratch/server.log" 2>&1 &
server=$!
cleanup_hooks+=("kill $server 2>/dev/null")
for _ in $(seq 1 50); do [ -s "$scratch/port" ] && break; sleep 0.1; done
port=$(cat "$scratch/port")
[ -n "$port" ] || { echo "server did not start"; cat "$scratch/server.log"; exit 1; }

"$sensor" -i lo --ports "$port" -w "$scratch/sensor.jsonl" >"$scratch/sensor.log" 2>&1 &
sensor_pid=$!
cleanup_hooks+=("kill -9 $sensor_pid 2>/dev/null")
for _ in $(seq 1 100); do
  grep -q '"capturing on' "$scratch/sensor.log" && break
  kill -0 "$sensor_pid" 2>/dev/null || break
  sleep 0.1
done
if ! kill -0 "$sensor_pid" 2>/dev/null; then
  if grep -qiE 'permission|not permitted' "$scratch/sensor.log"; then
    echo "skipped: no capture permission on lo"; exit 77
  fi
  echo "sensor failed to start:"; cat "$scratch/sensor.log"; exit 1
fi
sleep 1 # the capture socket is open once the line is logged; let the ring settle

drive() { # name args...
  local name=$1; shift
  "$tg" drive --target "http://127.0.0.1:$port" --report "$scratch/$name.jsonl" --seed 7 "$@" \
    >"$scratch/$name.summary" 2>&1
}
check "keep-alive phase answered" drive keepalive --requests 2000 --concurrency 4
check "fresh-connection phase answered" drive fresh --requests 1000 --concurrency 4 --fresh-connections
check "pipelined phase answered" drive pipelined --requests 1000 --concurrency 2 --pipeline 4
check "anomaly phase answered" drive anomalies --requests 1000 --concurrency 4 \
  --anomalies 5xx,scan,bruteforce,injection,oversized --anomaly-rate 0.03
sleep 1 # the last packets reach the sensor

kill -INT "$sensor_pid"
for _ in $(seq 1 300); do kill -0 "$sensor_pid" 2>/dev/null || break; sleep 0.1; done
check "sensor stops on SIGINT" bash -c "! kill -0 $sensor_pid 2>/dev/null"
wait "$sensor_pid"
check "sensor exits 0" [ $? = 0 ]
check "no kernel drops" grep -qE '^kernel_drops +0$' "$scratch/sensor.log"
check "no sanitizer report from the sensor" bash -c "! grep -q 'Sanitizer' '$scratch/sensor.log'"
kill -TERM "$server"
wait "$server"
check "generator's server stops cleanly" [ $? = 0 ]
check "no sanitizer report from the generator" bash -c "! grep -q 'Sanitizer' '$scratch/server.log'"

# Compare, connection by connection (the client's local port is the sensor's
# source.port), what the client did with what the sensor saw.
python3 - "$scratch" >"$scratch/compare.txt" 2>&1 <<'PY'
import collections, json, sys
d = sys.argv[1]
client = []
for phase in ("keepalive", "fresh", "pipelined", "anomalies"):
    for line in open(f"{d}/{phase}.jsonl"):
        client.append(dict(json.loads(line), phase=phase))
seen = [json.loads(l) for l in open(f"{d}/sensor.jsonl")]
def result(ok, what):
    print(("ok " if ok else "FAILED ") + what)

def key_c(r): return (r["method"], r["path"], r.get("query") or "", r["status"])
def key_s(r): return (r.get("http.request.method"), r.get("url.path"),
                      r.get("url.query") or "", r.get("http.response.status_code"))
result(all(r["status"] for r in client), f"every one of {len(client)} requests answered")
result(len(seen) == len(client), f"sensor found {len(seen)} transactions, client made {len(client)}")
result(collections.Counter(map(key_c, client)) == collections.Counter(map(key_s, seen)),
       "same multiset of (method, path, query, status)")
flagged = [r for r in seen if r.get("securaflow.flags")]
result(not flagged, f"no transaction flagged ({len(flagged)} were: {flagged[:2]})")

by_port_c, by_port_s = collections.defaultdict(list), collections.defaultdict(list)
# A port can serve two connections one after the other (fresh connections wrap the
# ephemeral range), maybe of two workers: order by time, then by order in the pipeline.
for r in sorted(client, key=lambda r: (r["start_us"], r["seq"])):
    by_port_c[r["client_port"]].append(r)
for r in sorted(seen, key=lambda r: r.get("securaflow.request_end_us", 0)):
    by_port_s[r.get("source.port")].append(r)
bad_conns = [p for p in by_port_c
             if list(map(key_c, by_port_c[p])) != list(map(key_s, by_port_s.get(p, [])))]
result(not bad_conns, f"each connection's transactions in order ({len(bad_conns)} of "
       f"{len(by_port_c)} differ)")

# Durations: the sensor measures first request byte to last response byte on the wire;
# the client from its write to its last read, so the sensor's must not be longer (1 ms
# of slack for clock granularity) and, outside pipelines, not much shorter.
longer, gaps = 0, []
for p, rs in by_port_c.items():
    for c, s in zip(rs, by_port_s.get(p, [])):
        dur = s.get("event.duration", 0) / 1000.0
        if dur > c["latency_us"] + 1000:
            longer += 1
        if c["anomaly"] is None and c["phase"] != "pipelined":
            gaps.append(c["latency_us"] - dur)
gaps.sort()
med = gaps[len(gaps) // 2] if gaps else 0
p99 = gaps[int(len(gaps) * 0.99)] if gaps else 0
result(longer == 0, f"sensor duration never longer than the client's ({longer} were)")
result(med < 2000 and p99 < 20000,
       f"client minus sensor duration: median {med:.0f} us, p99 {p99:.0f} us")
PY
cat "$scratch/compare.txt"
while read -r status what; do
  check "$what" [ "$status" = ok ]
done < <(grep -E '^(ok|FAILED) ' "$scratch/compare.txt")
check "comparison ran to the end" grep -q 'client minus sensor' "$scratch/compare.txt"
if [ "$checks_failed" != 0 ]; then
  echo "--- sensor log"; grep -v '^[a-z_]* *[0-9.]*$' "$scratch/sensor.log" | head -n 80
  echo "--- server log"; tail -n 40 "$scratch/server.log"
fi
finish
