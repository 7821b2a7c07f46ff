# securaflow-trafficgen replay: a small gzip access log (lines out of order, a broken one,
# escapes, a query, a zone offset) becomes records in time order with the log's spacing
# divided by --speed, the last one at "now"; posted to a real collector with an ingest
# token from a file, every record is stored once with its time and address, the planted
# scan is where the manifest says; a wrong token is refused with a clear error and stores
# nothing; the token never appears on a command line.
source "$(dirname "$0")/lib.bash"
command -v psql >/dev/null || { echo "psql not found"; exit 77; }
tg=$SF_BIN/securaflow-trafficgen
[ -x "$tg" ] || { echo "no $tg"; exit 77; }
log=$scratch/access.log
cat >"$log" <<'LOG'
192.0.2.1 - - [17/May/2015:10:05:10 +0000] "GET /b.css HTTP/1.1" 200 300 "http://example.com/" "Mozilla/5.0 (X11)"
192.0.2.1 - - [17/May/2015:10:05:00 +0000] "GET /?q=tea&page=2 HTTP/1.1" 200 9000 "-" "Mozilla/5.0 (X11)"
192.0.2.2 - bob [17/May/2015:03:05:20 -0700] "POST /login HTTP/1.1" 401 - "-" "ua \"quoted\""
this line is not a log line
2001:db8::7 - - [17/May/2015:10:05:30 +0000] "HEAD /a.png HTTP/1.0" 304 0
LOG
gzip -9 "$log"
out=$scratch/records.jsonl
"$tg" replay --log "$log.gz" --jsonl "$out" --speed 2 2>"$scratch/replay.err"
check "jsonl replay exits 0" [ $? = 0 ]
check "the broken line is skipped with its reason" grep -q 'access.log.gz:4: no \[time\] field, skipped' "$scratch/replay.err"
check "progress is shown" grep -q 'replay: 4/4 records (100 %)' "$scratch/replay.err"
check "records in time order, spacing / speed, the last at now" python3 - "$out" <<'PY'
import json, sys, time
from datetime import datetime, timezone
rs = [json.loads(l) for l in open(sys.argv[1])]
ts = [datetime.strptime(r["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() for r in rs]
gaps = [round(b - a, 3) for a, b in zip(ts, ts[1:])]
ok = [r["endpoint"] for r in rs] == ["/?q=tea&page=2", "/b.css", "/login", "/a.png"] and gaps == [5.0, 5.0, 5.0] \
    and abs(ts[-1] - time.time()) < 30 and rs[0]["path"] == "/" and rs[0]["query"] == "q=tea&page=2" \
    and rs[2]["user_agent"] == 'ua "quoted"' and rs[2]["status_code"] == 401 and rs[3]["client_ip"] == "2001:db8::7" \
    and all(r["response_time_ms"] > 0 and r["request_size_bytes"] > 0 for r in rs)
print(gaps, [r["endpoint"] for r in rs]); sys.exit(0 if ok else 1)
PY

port=$(free_port)
var=$scratch/var
clog=$scratch/collector.log
: >"$scratch/token"; chmod 600 "$scratch/token"
"$SF_BIN/securaflow-collector" --data-dir "$var" token create replay-test 2>>"$clog" | tail -n 1 >"$scratch/token"
"$SF_BIN/securaflow-collector" --data-dir "$var" --listen "127.0.0.1:$port" >>"$clog" 2>&1 &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
check "collector starts" wait_http "http://127.0.0.1:$port/api/health" 120
sql() { psql "host=$var/pg user=securaflow dbname=securaflow" -XAtqc "$1"; }
echo not-a-token >"$scratch/bad"
"$tg" replay --log "$log.gz" --collector "http://127.0.0.1:$port" --token-file "$scratch/bad" 2>"$scratch/bad.err"
check "a wrong token fails" [ $? != 0 ]
check "with the collector's answer" grep -q 'the collector answered 401' "$scratch/bad.err"
check "and nothing is stored" [ "$(sql 'SELECT count(*) FROM traffic_logs')" = 0 ]
"$tg" replay --log "$log.gz" --collector "http://127.0.0.1:$port" --token-file "$scratch/token" \
  --plant scan --plant-after 5 --manifest "$scratch/manifest.jsonl" --batch 7 2>"$scratch/post.err" &
rpid=$!
check "the token is not on the command line" bash -c "! tr '\\0' ' ' </proc/$rpid/cmdline | grep -qF \"\$(cat '$scratch/token')\""
wait $rpid
check "posting exits 0" [ $? = 0 ]
for _ in $(seq 1 100); do [ "$(sql 'SELECT count(*) FROM traffic_logs')" = 64 ] && break; sleep 0.1; done
check "4 real + 60 planted records stored once" [ "$(sql 'SELECT count(*) FROM traffic_logs')" = 64 ]
check "the scan is where and when the manifest says" python3 - "$scratch/manifest.jsonl" \
  "$(sql "SELECT count(*), min(extract(epoch FROM ts)), max(extract(epoch FROM ts)) FROM traffic_logs WHERE host(ip_address) = '203.0.113.10'")" <<'PY'
import json, sys
from datetime import datetime, timezone
m = [json.loads(l) for l in open(sys.argv[1])]
scan = next(x for x in m if x.get("name") == "scan")
e = lambda t: datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
n, lo, hi = sys.argv[2].split("|")
ok = int(n) == scan["requests"] == 60 and abs(float(lo) - e(scan["start"])) < 0.001 and abs(float(hi) - e(scan["end"])) < 1
print(n, lo, hi, scan["start"], scan["end"]); sys.exit(0 if ok else 1)
PY
# A log written with HostnameLookups On names clients: each name becomes one stable address
# the collector accepts (198.18.0.0/15), different names different addresses.
names=$scratch/names.log
cat >"$names" <<'LOG'
lj1036.inktomisearch.com - - [07/Mar/2004:17:18:36 -0800] "GET /robots.txt HTTP/1.0" 200 68
h24-70-56-49.ca.shawcable.net - - [07/Mar/2004:17:18:40 -0800] "GET /twiki/ HTTP/1.1" 200 782
lj1036.inktomisearch.com - - [07/Mar/2004:17:18:41 -0800] "GET /twiki/bin/view/Main/LondonOffice HTTP/1.0" 200 3860
LOG
"$tg" replay --log "$names" --jsonl "$scratch/names.jsonl" 2>/dev/null
check "host names become stable benchmark-range addresses" python3 - "$scratch/names.jsonl" <<'PY'
import ipaddress, json, sys
ips = [json.loads(l)["client_ip"] for l in open(sys.argv[1])]
net = ipaddress.ip_network("198.18.0.0/15")
ok = len(ips) == 3 and all(ipaddress.ip_address(i) in net for i in ips) and ips[0] == ips[2] != ips[1]
print(ips); sys.exit(0 if ok else 1)
PY
"$tg" replay --log "$names" --collector "http://127.0.0.1:$port" --token-file "$scratch/token" 2>"$scratch/names.err"
check "and the collector stores them" [ $? = 0 ]
for _ in $(seq 1 100); do [ "$(sql 'SELECT count(*) FROM traffic_logs')" = 67 ] && break; sleep 0.1; done
check "all three" [ "$(sql "SELECT count(*) FROM traffic_logs WHERE ip_address << '198.18.0.0/15'")" = 3 ]
kill -INT $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
check "no sanitizer report" bash -c "! grep -q Sanitizer '$clog' '$scratch'/*.err"
finish
