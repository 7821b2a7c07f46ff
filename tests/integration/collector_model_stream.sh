# The collector's model lifecycle, live stream and static files, end to end: the starter
# model scores from the first record; after auto_train_rows real records a trained model
# replaces it (stored, versioned, swapped in); POST /api/model/train makes another; the
# live stream carries per-second traffic and each new anomaly; the dashboard directory is
# served at / with the SPA fallback.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/collector_api_lib.bash" # port, base, token_for
mkdir -p "$scratch/dist/assets"
echo '<html>dashboard</html>' >"$scratch/dist/index.html"
echo 'console.log(1)' >"$scratch/dist/assets/app-1a2b3c.js"
"$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --listen "127.0.0.1:$port" \
  --allow-anonymous-ingest --auto-train-rows 400 --dashboard-dir "$scratch/dist" \
  --rate-limit 1000000 \
  >>"$scratch/collector.log" 2>&1 &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
check "collector starts" wait_http "$base/api/health" 120

auth="Authorization: Bearer $(token_for admin)"
model() { curl -fs -H "$auth" "$base/api/model" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d.get('version'), d.get('source'), d.get('training_rows'), d['training']['state'])"; }
check "starter model is version 1" grep -q '^1 starter 20000 ' <<<"$(model)"

# 600 normal records from 30 clients over the last 10 minutes, in 3 batches.
python3 - "$base" <<'PY'
import json, random, sys, urllib.request, datetime
base = sys.argv[1]
random.seed(5)
now = datetime.datetime.now(datetime.timezone.utc)
paths = ["/api/products/%d", "/api/users/%d", "/api/orders", "/api/search?q=hat&page=%d"]
for b in range(3):
    recs = []
    for i in range(200):
        t = now - datetime.timedelta(seconds=random.uniform(0, 600))
        p = random.choice(paths)
        recs.append({"endpoint": p % random.randint(1, 99) if "%d" in p else p,
                     "method": "GET", "status_code": random.choice([200] * 19 + [404]),
                     "response_time_ms": random.lognormvariate(2.5, 0.5),
                     "request_size_bytes": random.randint(150, 400),
                     "response_size_bytes": random.randint(200, 5000),
                     "ip_address": "10.9.0.%d" % random.randint(1, 30),
                     "user_agent": "integration-test/1.0",
                     "timestamp": t.isoformat().replace("+00:00", "Z")})
    body = json.dumps({"sensor_id": "it", "batch_id": "model-%d" % b, "records": recs}).encode()
    req = urllib.request.Request(base + "/api/traffic/batch", data=body,
                                 headers={"Content-Type": "application/json"})
    out = json.load(urllib.request.urlopen(req, timeout=60))
    assert out["accepted"] == 200, out
PY
check "600 records accepted" [ $? = 0 ]

wait_model() { # version
  for _ in $(seq 1 90); do
    [ "$(model | cut -d' ' -f1)" = "$1" ] && return 0
    sleep 1
  done
  return 1
}
check "a trained model replaces the starter" wait_model 2
m=$(model)
normal=$(psql "host=$scratch/var/pg user=securaflow dbname=securaflow" -Atc "select count(*) from traffic_logs where not is_anomaly")
check "it is marked trained, on the records not flagged ($m; $normal normal)" grep -q "^2 trained $normal idle" <<<"$m"
check "which are most of them" [ "$normal" -gt 500 ]
check "stored as version 2 in the database" bash -c "psql 'host=$scratch/var/pg user=securaflow dbname=securaflow' -Atc 'select version, active from models order by version' | tr '\n' ' ' | grep -q '1|f 2|t'"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/model/train")
check "POST /api/model/train needs a token" [ "$code" = 401 ]
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $(token_for guest)" "$base/api/model/train")
check "and is not for guests" [ "$code" = 403 ]
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$auth" "$base/api/model/train")
check "POST /api/model/train starts a run" [ "$code" = 202 ]
check "and a new version becomes active" wait_model 3

# The live stream: per-second traffic and the anomaly of a record sent while listening.
# (EventSource cannot set headers: the stream alone takes ?access_token=)
curl -sN --max-time 4 "$base/api/stream?access_token=$(token_for guest)" >"$scratch/stream.txt" &
stream_pid=$!
sleep 1
curl -fs -X POST "$base/api/traffic" -d '{"endpoint":"/api/users/1?id=1%27%20OR%20%271%27=%271","method":"GET","status_code":200,"response_time_ms":5,"ip_address":"10.9.9.9"}' >"$scratch/anomaly.json"
wait "$stream_pid"
check "the record is flagged as SQL injection" grep -q '"anomaly_type":"sql_injection"' "$scratch/anomaly.json"
check "stream sends per-second traffic events" grep -q '^event: traffic' "$scratch/stream.txt"
check "stream sends the anomaly" grep -q '"anomaly_type":"sql_injection"' "$scratch/stream.txt"
check "streamed anomaly carries its id in the list (what resolve and label take)" python3 -c "
import json, urllib.request
ev=[l[6:] for l in open('$scratch/stream.txt') if l.startswith('data: ') and 'sql_injection' in l][0]
a=json.loads(ev); t=json.load(open('$scratch/anomaly.json'))
req=urllib.request.Request('$base/api/anomalies?type=sql_injection', headers={'Authorization': 'Bearer $(token_for guest)'})
listed=[x for x in json.load(urllib.request.urlopen(req))['anomalies'] if x['traffic_log']['id']==t['traffic_id']]
assert listed and a['id']==listed[0]['id'] and a['count']==1 and a['severity']=='critical' and a['reasons'], (a, listed)"

# Static files.
check "dashboard index at /" grep -q dashboard <<<"$(curl -fs "$base/")"
check "SPA fallback for client routes" grep -q dashboard <<<"$(curl -fs "$base/anomalies/7")"
check "hashed assets are immutable" grep -qi 'cache-control: public, max-age=31536000, immutable' <<<"$(curl -fsI "$base/assets/app-1a2b3c.js")"
check "no escaping the directory" [ "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$base/../../etc/passwd")" = 404 ]
kill -TERM "$pid"
wait "$pid"
check "clean stop" [ $? = 0 ]
check "no sanitizer reports" bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' '$scratch/collector.log'"
finish
