# A catalogue of bad input against a running collector's ingest endpoints (POST /api/traffic
# and /api/traffic/batch): each gets the right status and error shape, nothing wrong is
# stored (row counts from psql), strings with SQL metacharacters are stored verbatim, the
# daemon keeps answering, slow-drip clients neither block others nor outlive the request
# timeout, and the sanitizer build prints no report.
source "$(dirname "$0")/lib.bash"
py=$(python3 -c "import sys; print(sys.executable)") # the pyenv shim alone can cost seconds a call
command -v psql >/dev/null || { echo "psql not found"; exit 77; }
port=$(free_port)
base="http://127.0.0.1:$port"
var="$scratch/var"
log="$scratch/collector.log"
token=$("$SF_BIN/securaflow-collector" --data-dir "$var" token create bad-input 2>>"$log" | tail -n 1)
"$SF_BIN/securaflow-collector" --data-dir "$var" --listen "127.0.0.1:$port" \
  --request-timeout 3s >>"$log" 2>&1 &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
check "collector starts" wait_http "$base/api/health" 120
sql() { psql "host=$var/pg user=securaflow dbname=securaflow" -XAtqc "$1"; }
rows() { sql "SELECT count(*) FROM traffic_logs"; }
expected=0

# post ENDPOINT FILE [curl args...]: sets $code; the answer is in $scratch/out.
post() {
  local ep=$1 file=$2; shift 2
  code=$(curl -s -m 30 -o "$scratch/out" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' --data-binary @"$file" "$@" "$base/api/traffic$ep")
}
body() { printf '%s' "$1" >"$scratch/in"; }
# json_has PYTHON-EXPR: evaluates against the answer as `a`.
json_has() { "$py" -c "import json,sys; a=json.load(open('$scratch/out')); sys.exit(0 if ($1) else 1)"; }
is422() { # field
  [ "$code" = 422 ] && json_has "isinstance(a['detail'], list) and a['detail'][0]['loc'] == ['body', '$1'] and a['detail'][0]['type'] and a['detail'][0]['msg']"
}
detail_is() { json_has "a == {'detail': '$1'}"; }
section() { echo "== $1 (${SECONDS}s)"; }
ok_rec='"endpoint":"/api/x","method":"GET","status_code":200,"response_time_ms":1.5'

section "malformed JSON, wrong shapes"
for bad in '{"endpoint":' '' 'null' '{"a":1,}' "{'endpoint':'/x'}" '{"endpoint":"/x"}}' 'nan'; do
  body "$bad"; post "" "$scratch/in"
  check "malformed single [$bad] is 422 with a detail list" json_has "isinstance(a['detail'], list)"
  check "malformed single [$bad] status" [ "$code" = 422 ]
  post /batch "$scratch/in"
  check "malformed batch [$bad] is 422" [ "$code" = 422 ]
done
for big in 1e400 99999999999999999999999; do
  body "{\"endpoint\":\"/x\",\"method\":\"GET\",\"response_time_ms\":1,\"status_code\":$big}"
  post "" "$scratch/in"; check "overflowing number $big is 422" [ "$code" = 422 ]
done
body '[1,2,3]'; post "" "$scratch/in"
check "a JSON array as a record is 422" is422 body
body "{$ok_rec,\"method\":\"POST\"}"; post "" "$scratch/in"
check "duplicate keys are 422" [ "$code" = 422 ]

section "wrong types"
wrong_types=('status_code:"200"' 'status_code:200.5' 'status_code:true' 'response_time_ms:"fast"'
  'response_time_ms:null' 'endpoint:5' 'endpoint:["/x"]' 'method:{"a":1}' 'request_size_bytes:"10"'
  'ip_address:12' 'ip_address:"999.1.1.1"' 'ip_address:"not an ip"' 'user_agent:[]' 'timestamp:1700000000'
  'client_port:"80"' 'flags:"gap"' 'flags:["bogus"]' 'ttfb_us:1.5' 'server_ip:"1.2.3"' 'method:"GE T"'
  )
for wt in "${wrong_types[@]}"; do
  field=${wt%%:*} value=${wt#*:}
  "$py" -c "
import json,sys
rec={'endpoint':'/api/x','method':'GET','status_code':200,'response_time_ms':1.5}
raw=json.dumps(rec)[:-1] + ', \"$field\": ' + sys.argv[1] + '}'
# the field may already be in rec: drop the first copy so the key is not a duplicate
rec.pop('$field', None)
raw=json.dumps(rec)[:-1] + (', ' if rec else '') + '\"$field\": ' + sys.argv[1] + '}'
open('$scratch/in','w').write(raw)" "$value"
  post "" "$scratch/in"
  check "wrong type $wt is 422 naming the field" is422 "$field"
done

section "huge strings, NUL, invalid UTF-8"
long() { "$py" -c "print('x'*$1, end='')"; }
body "{\"endpoint\":\"/$(long 2100)\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1}"
post "" "$scratch/in"; check "endpoint over 2048 chars is 422" is422 endpoint
body "{$ok_rec,\"user_agent\":\"$(long 1100)\"}"; post "" "$scratch/in"
check "user_agent over 1024 chars is 422" is422 user_agent
body "{$ok_rec,\"method\":\"$(long 17)\"}"
"$py" -c "open('$scratch/in','w').write('{\"endpoint\":\"/x\",\"method\":\"' + 'G'*17 + '\",\"status_code\":200,\"response_time_ms\":1}')"
post "" "$scratch/in"; check "method over 16 chars is 422" is422 method
body "{$ok_rec,\"host\":\"$(long 900000)\"}"; post "" "$scratch/in"
check "900 kB host string is 422" is422 host
body "{\"endpoint\":\"/a\\u0000b\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1}"
post "" "$scratch/in"; check "NUL (\\u0000) in endpoint is refused" [ "$code" = 422 ]
body "{$ok_rec,\"user_agent\":\"ua\\u0000\"}"; post "" "$scratch/in"
check "NUL in user_agent is refused" [ "$code" = 422 ]
printf '{"endpoint":"/a\xff\xfe","method":"GET","status_code":200,"response_time_ms":1}' >"$scratch/in"
post "" "$scratch/in"; check "invalid UTF-8 is 422" [ "$code" = 422 ]
printf '{"endpoint":"/a\xc0\xaf","method":"GET","status_code":200,"response_time_ms":1}' >"$scratch/in"
post "" "$scratch/in"; check "overlong UTF-8 is 422" [ "$code" = 422 ]
body "{$ok_rec,\"user_agent\":\"\\ud800\"}"; post "" "$scratch/in"
check "lone surrogate escape is 422" [ "$code" = 422 ]

section "deep nesting"
"$py" -c "open('$scratch/in','w').write('['*10000 + ']'*10000)"
post "" "$scratch/in"; check "10,000-deep array is 422" [ "$code" = 422 ]
post /batch "$scratch/in"; check "10,000-deep batch is 422" [ "$code" = 422 ]
"$py" -c "open('$scratch/in','w').write('{\"endpoint\":\"/x\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1,\"extra\":' + '{\"a\":'*10000 + '1' + '}'*10000 + '}')"
post "" "$scratch/in"; check "10,000-deep object inside a record is 422" [ "$code" = 422 ]
"$py" -c "open('$scratch/in','w').write('['*10000)"
post "" "$scratch/in"; check "10,000 unclosed brackets are 422" [ "$code" = 422 ]
check "nothing stored so far" [ "$(rows)" = 0 ]

section "negative numbers, impossible timestamps"
for nv in 'response_time_ms:-1' 'response_time_ms:-0.001' 'status_code:-200' 'status_code:99' 'status_code:600' \
  'request_size_bytes:-5' 'response_size_bytes:-1' 'client_port:-1' 'client_port:70000' 'ttfb_us:-3' \
  'duration_us:-1' 'req_body_bytes:-9' 'resp_body_bytes:-9' 'response_time_ms:1e300'; do
  field=${nv%%:*} value=${nv#*:}
  "$py" -c "
import json
rec={'endpoint':'/api/x','method':'GET','status_code':200,'response_time_ms':1.5}
rec.pop('$field', None)
open('$scratch/in','w').write(json.dumps(rec)[:-1] + ', \"$field\": $value}')"
  post "" "$scratch/in"
  check "out of range $nv is 422 naming the field" is422 "$field"
done
for ts in 2026-02-30T00:00:00Z 2026-13-01T00:00:00Z 1900-01-01T00:00:00Z 0000-01-01T00:00:00Z \
  9999-12-31T23:59:59Z 2026-11-24T25:00:00Z 2026-11-24T10:00:00+99:00 yesterday "" \
  "2026-11-24T10:00:00.1234567890123Z" "2026-11-24 10:00:00Zjunk"; do
  body "{$ok_rec,\"timestamp\":\"$ts\"}"; post "" "$scratch/in"
  check "impossible timestamp [$ts] is 422" is422 timestamp
done
future=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
body "{$ok_rec,\"timestamp\":\"$future\"}"; post "" "$scratch/in"
check "timestamp 3 days ahead is 422" is422 timestamp
check "still nothing stored" [ "$(rows)" = 0 ]

section "batches: shape errors and some bad records"
body "{\"sensor_id\":\"s\",\"records\":[{$ok_rec}]}"; post /batch "$scratch/in"
check "batch without batch_id is 422" is422 batch_id
body "{\"sensor_id\":\"$(long 300)\",\"batch_id\":\"b\",\"records\":[{$ok_rec}]}"; post /batch "$scratch/in"
check "sensor_id over 256 chars is 422" is422 sensor_id
body '{"sensor_id":"s","batch_id":"b","records":{"a":1}}'; post /batch "$scratch/in"
check "records not a list is 422" is422 records
"$py" -c "
import json
open('$scratch/in','w').write(json.dumps({'sensor_id':'s','batch_id':'big','records':[{'endpoint':'/x','method':'GET','status_code':200,'response_time_ms':1}]*10001}))"
post /batch "$scratch/in"; check "10,001 records is 422" is422 records
body '{"sensor_id":"s","batch_id":"empty","records":[]}'; post /batch "$scratch/in"
check "an empty batch is accepted with 0" json_has "a == {'accepted':0,'rejected':[],'anomalies':0,'duplicate':False}"
"$py" - "$scratch/in" <<'EOF'
import json, sys
ok = {'endpoint': '/api/mixed', 'method': 'GET', 'status_code': 200, 'response_time_ms': 3}
bad = [dict(ok, status_code=999), dict(ok, response_time_ms=-1), 'not an object',
       dict(ok, timestamp='2026-02-30T00:00:00Z'), dict(ok, endpoint=''), dict(ok, ip_address='1.2.3.4.5'), None]
records = []
for i in range(20):
    records.append(bad[i // 3] if i % 3 == 1 and i // 3 < len(bad) else ok)
open(sys.argv[1], 'w').write(json.dumps({'sensor_id': 's', 'batch_id': 'mixed-1', 'records': records}))
EOF
post /batch "$scratch/in"
check "mixed batch: 200" [ "$code" = 200 ]
check "mixed batch: bad records rejected by index with a detail" json_has \
  "[r['index'] for r in a['rejected']] == [1,4,7,10,13,16,19] and all(r['detail'] for r in a['rejected']) and a['accepted'] == 13"
check "mixed batch rejection names the field" json_has "a['rejected'][0]['detail'].startswith('status_code')"
expected=$((expected + 13))
check "only the good records are stored" [ "$(rows)" = "$expected" ]
post /batch "$scratch/in"
check "mixed batch again: duplicate with the same counts and rejections" json_has \
  "a['duplicate'] is True and a['accepted'] == 13 and [r['index'] for r in a['rejected']] == [1,4,7,10,13,16,19]"
check "and nothing stored twice" [ "$(rows)" = "$expected" ]

section "SQL metacharacters in every string field, stored verbatim"
"$py" - "$scratch" "$token" "$port" <<'EOF'
import json, sys, http.client
scratch, token, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
evil = "'; DROP TABLE traffic_logs; -- \\N \t\n\r\\ \"$$ E'\\x00' %s ? $1 ; /* */ ü 😀"
rec = {'endpoint': '/api/' + evil, 'method': "X'|`~", 'status_code': 200, 'response_time_ms': 1,
       'user_agent': evil, 'host': evil, 'query': evil, 'http_version': "1'\\\t;--",
       'content_type': evil, 'x_forwarded_for': evil}
body = {'sensor_id': "s';--\\\t" , 'batch_id': "b'); DELETE FROM ingest_batches; --", 'records': [rec]}
c = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
c.request('POST', '/api/traffic/batch', json.dumps(body), {'Authorization': 'Bearer ' + token})
r = c.getresponse(); a = json.loads(r.read())
assert r.status == 200 and a['accepted'] == 1, a
c.request('POST', '/api/traffic', json.dumps(dict(rec, endpoint="/single'--" + evil)), {'Authorization': 'Bearer ' + token})
r = c.getresponse(); a = json.loads(r.read())
assert r.status == 200 and a['success'], a
expect = dict(rec, sensor_id=body['sensor_id'])
json.dump(expect, open(scratch + '/evil.json', 'w'))
EOF
check "records with SQL metacharacters are accepted" [ $? = 0 ]
expected=$((expected + 2))
check "both stored" [ "$(rows)" = "$expected" ]
for f in endpoint method user_agent host query http_version content_type x_forwarded_for sensor_id; do
  want=$("$py" -c "import json; print(json.load(open('$scratch/evil.json'))['$f'].encode().hex())")
  got=$(sql "SELECT encode(convert_to($f, 'UTF8'), 'hex') FROM traffic_logs WHERE sensor_id IS NOT NULL AND endpoint LIKE '/api/''%'")
  check "field $f stored verbatim" [ "$want" = "$got" ]
done
check "the batch id is stored verbatim" [ "$(sql "SELECT count(*) FROM ingest_batches WHERE batch_id = 'b''); DELETE FROM ingest_batches; --'")" = 1 ]
check "single record with metacharacters stored verbatim" [ "$(sql "SELECT count(*) FROM traffic_logs WHERE endpoint LIKE '/single''--''; DROP TABLE%'")" = 1 ]
check "the tables are all still there" [ "$(sql "SELECT count(*) FROM pg_class WHERE relname IN ('traffic_logs','ingest_batches','anomalies','rollup_minute')")" = 4 ]
check "rollups count exactly the stored records" [ "$(sql "SELECT sum(request_count) FROM rollup_minute")" = "$expected" ]

# Every typed column as stored (the writer sends traffic rows in binary COPY form).
"$py" - "$token" "$port" <<'EOF'
import http.client, json, sys, time
token, port = sys.argv[1], int(sys.argv[2])
ts = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(time.time() - 60)) + '.123456Z'
rec = {'endpoint': '/typed/1?a=b', 'method': 'PATCH', 'status_code': 599, 'response_time_ms': 12.345678,
       'request_size_bytes': 9007199254740991, 'response_size_bytes': 0, 'ip_address': '192.0.2.1',
       'client_ip': '2001:DB8::1', 'client_port': 65535, 'server_ip': '10.0.0.1', 'server_port': 0,
       'timestamp': ts, 'ttfb_us': 1, 'duration_us': 2, 'req_body_bytes': 3, 'resp_body_bytes': 4,
       'flags': ['gap', 'midstream']}
body = {'sensor_id': 'typed', 'batch_id': 'typed-1', 'records': [rec, {'endpoint': '/typed/2', 'method': 'GET',
        'response_time_ms': 0, 'flags': ['no_response']}]}
c = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
c.request('POST', '/api/traffic/batch', json.dumps(body), {'Authorization': 'Bearer ' + token})
r = c.getresponse(); a = json.loads(r.read())
assert r.status == 200 and a['accepted'] == 2, a
EOF
check "a record with every typed field is accepted" [ $? = 0 ]
expected=$((expected + 2))
typed=$(sql "SELECT status_code, response_time_ms, request_size_bytes, response_size_bytes, ip_address, client_port,
  server_ip, server_port, ttfb_us, duration_us, req_body_bytes, resp_body_bytes, flags, anomaly_score BETWEEN 0 AND 1,
  model_version > 0, demo, ground_truth IS NULL FROM traffic_logs WHERE endpoint = '/typed/1?a=b'")
check "typed columns stored exactly" [ "$typed" = "599|12.345678|9007199254740991|0|2001:db8::1|65535|10.0.0.1|0|1|2|3|4|33|t|t|f|t" ]
check "absent values stored as NULL" [ "$(sql "SELECT status_code IS NULL AND request_size_bytes IS NULL AND ip_address IS NULL AND client_port IS NULL AND flags = 2 FROM traffic_logs WHERE endpoint = '/typed/2'")" = t ]
check "the record's time stored to the microsecond" [ "$(sql "SELECT to_char(ts AT TIME ZONE 'UTC', 'US') FROM traffic_logs WHERE endpoint = '/typed/1?a=b'")" = 123456 ]

section "body limits, gzip bombs and broken gzip"
"$py" -c "open('$scratch/in','w').write('{\"endpoint\":\"/x\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1,\"pad\":\"' + 'x'*(1100*1024) + '\"}')"
post "" "$scratch/in"
check "single body over 1 MiB is 413" [ "$code" = 413 ]
check "413 has the JSON error shape" json_has "isinstance(a.get('detail'), str)"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$scratch/in"
post /batch "$scratch/in"
check "batch body over 16 MiB is 413" [ "$code" = 413 ]
check "batch 413 has the JSON error shape" json_has "isinstance(a.get('detail'), str)"
"$py" - "$scratch" <<'EOF'
import zlib, sys, os, gzip, json
d = sys.argv[1]
# ~1 GiB of spaces inside a valid JSON document, as one gzip stream (about 1 MB)
z = zlib.compressobj(9, zlib.DEFLATED, 31)
parts = [z.compress(b'{"sensor_id":"s","batch_id":"bomb","records":[]' )]
chunk = b' ' * (1 << 20)
for _ in range(1024):
    parts.append(z.compress(chunk))
parts.append(z.compress(b'}')); parts.append(z.flush())
open(d + '/bomb.gz', 'wb').write(b''.join(parts))
good = gzip.compress(json.dumps({'sensor_id': 's', 'batch_id': 'gz-ok', 'records': [
    {'endpoint': '/gz', 'method': 'GET', 'status_code': 200, 'response_time_ms': 1}]}).encode())
open(d + '/good.gz', 'wb').write(good)
open(d + '/trunc.gz', 'wb').write(good[:len(good) // 2])
open(d + '/garbage.gz', 'wb').write(os.urandom(4096))
open(d + '/trailing.gz', 'wb').write(good + b'garbage after the stream')
bad_crc = bytearray(good); bad_crc[-6] ^= 0xff
open(d + '/badcrc.gz', 'wb').write(bytes(bad_crc))
EOF
post /batch "$scratch/bomb.gz" -H 'Content-Encoding: gzip'
check "gzip bomb (1 GiB inflated) is 413" [ "$code" = 413 ]
check "gzip bomb answer has the JSON shape" json_has "isinstance(a.get('detail'), str)"
for g in trunc garbage trailing badcrc; do
  post /batch "$scratch/$g.gz" -H 'Content-Encoding: gzip'
  check "malformed gzip ($g) is 400" [ "$code" = 400 ]
  check "malformed gzip ($g) answer shape" json_has "isinstance(a.get('detail'), str)"
done
post /batch "$scratch/good.gz" -H 'Content-Encoding: gzip'
check "a good gzip batch is accepted" json_has "a['accepted'] == 1"
expected=$((expected + 1))
check "rows: bombs and broken gzip stored nothing" [ "$(rows)" = "$expected" ]

section "authentication"
body "{$ok_rec}"
for auth in "" "Bearer" "Bearer " "Bearer nope" "Basic dXNlcjpwYXNz" "Bearer ${token}x" "bearer${token}"; do
  for ep in "" /batch; do
    hdr=$(curl -s -m 10 -D - -o "$scratch/out" -X POST ${auth:+-H "Authorization: $auth"} \
      --data-binary @"$scratch/in" "$base/api/traffic$ep")
    check "auth [$auth] on $ep is 401" grep -q '^HTTP/1.1 401' <<<"$hdr"
    check "auth [$auth] on $ep has WWW-Authenticate: Bearer" grep -qi '^WWW-Authenticate: Bearer' <<<"$hdr"
    check "auth [$auth] on $ep detail" json_has "a['detail'] in ('Not authenticated', 'Invalid authentication credentials')"
  done
done
check "unauthenticated records were not stored" [ "$(rows)" = "$expected" ]

section "slow-drip clients and clients that leave early"
"$py" - "$port" "$token" <<'EOF'
import socket, sys, time, threading, json, http.client
port, token = int(sys.argv[1]), sys.argv[2]
body = json.dumps({'endpoint': '/drip', 'method': 'GET', 'status_code': 200, 'response_time_ms': 1})
head = ('POST /api/traffic HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n'
        % (token, len(body))).encode()
closed_after = {}
def drip(i, data):
    s = socket.create_connection(('127.0.0.1', port)); s.settimeout(0.2)
    t0 = time.time()
    for b in data:
        try:
            s.send(bytes([b]))
        except OSError:
            break
        try:
            if s.recv(1) == b'':
                break
        except socket.timeout:
            pass
        except OSError:
            break
        time.sleep(0.8)
        if time.time() - t0 > 12:
            break
    closed_after[i] = time.time() - t0
    s.close()
threads = [threading.Thread(target=drip, args=(i, head + body.encode())) for i in range(20)]
threads += [threading.Thread(target=drip, args=(100 + i, head)) for i in range(5)]  # headers done, body drips
for t in threads: t.start()
time.sleep(1.5)
lat = []
for _ in range(10):  # others are served meanwhile
    t0 = time.time()
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    c.request('GET', '/api/health'); r = c.getresponse(); r.read()
    assert r.status == 200
    lat.append(time.time() - t0)
for t in threads: t.join()
print('health latencies under drip: max %.3fs' % max(lat))
print('drip connections closed after: max %.1fs' % max(closed_after.values()))
assert max(lat) < 1.0, lat
EOF
check "slow-drip clients do not block others" [ $? = 0 ]
# request_timeout is an idle timeout in libevent 2.1 (no total deadline): a client that
# sends its headers and then nothing is cut off once it has been silent that long.
"$py" - "$port" "$token" <<'EOF'
import socket, sys, time
port, token = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(('127.0.0.1', port)); s.settimeout(15)
s.send(('POST /api/traffic HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n'
        'Content-Length: 100\r\n\r\n{"endpoint"' % token).encode())
t0 = time.time()
try:
    while s.recv(4096):
        pass
except OSError:
    pass
took = time.time() - t0
print('silent client cut off after %.1fs' % took)
assert took < 8, took
EOF
check "a silent client is cut off by the request timeout" [ $? = 0 ]
"$py" - "$port" "$token" <<'EOF'
import socket, sys, json
port, token = int(sys.argv[1]), sys.argv[2]
for i in range(30):
    recs = [{'endpoint': '/leave/%d' % i, 'method': 'GET', 'status_code': 200, 'response_time_ms': 1}] * 50
    body = json.dumps({'sensor_id': 'early', 'batch_id': 'early-%d' % i, 'records': recs}).encode()
    s = socket.create_connection(('127.0.0.1', port))
    cut = len(body) // 2 if i % 3 == 0 else len(body)   # some leave mid-body, others right after it
    s.sendall(('POST /api/traffic/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n'
               'Content-Length: %d\r\n\r\n' % (token, len(body))).encode() + body[:cut])
    if i % 2:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')  # RST
    s.close()
EOF
sleep 2
check "health answers after clients left early" curl -fs -o /dev/null "$base/api/health"
left=$(sql "SELECT count(*) FROM traffic_logs WHERE sensor_id = 'early'")
batches=$(sql "SELECT count(*) FROM ingest_batches WHERE sensor_id = 'early'")
check "batches of clients that left early: whole or not at all ($left rows, $batches batches)" [ "$left" = $((batches * 50)) ]
check "no half-sent body was stored" [ "$(sql "SELECT count(*) FROM ingest_batches WHERE sensor_id = 'early' AND batch_id IN ('early-0','early-3','early-6','early-9','early-12','early-15','early-18','early-21','early-24','early-27')")" = 0 ]
expected=$((expected + left))

section "the daemon is still fine"
health=$(curl -fs "$base/api/health")
check "health answers and the database is connected" grep -q '"database":"connected"' <<<"$health"
body "{$ok_rec}"; post "" "$scratch/in"
check "good records are still accepted" json_has "a['success'] is True"
expected=$((expected + 1))
check "row count is exactly what was accepted ($expected)" [ "$(rows)" = "$expected" ]
kill -TERM "$pid"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "collector stops on SIGTERM" bash -c "! kill -0 $pid 2>/dev/null"
check "no sanitizer report" bash -c "! grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error' '$log'"
grep -E -A12 'ERROR: (Address|Leak)Sanitizer|runtime error' "$log" | head -40
finish
