# The collector on an external PostgreSQL, as operators run it: a separate server on
# loopback TCP that accepts only TLS connections with SCRAM-SHA-256 passwords, and a
# collector with database_url = postgresql://...?sslmode=verify-full&sslrootcert=CA
# &passfile=FILE (a CA and a server certificate this test makes; the password only in the
# libpq password file). Checks: every collector connection is TLS, a certificate from
# another CA and a wrong password are refused with a clear error that holds no secret,
# migrations and retention work there, the database going away and coming back during
# ingest is survived, and the ingest durability test (batch idempotency, kill -9 during
# ingest, SIGTERM drain) and the read API test run unchanged against it, each on its own
# fresh database. The password appears in no log and no process's command line.
. "$(dirname "$0")/lib.bash"
command -v psql >/dev/null && command -v openssl >/dev/null || { echo "psql or openssl not found"; exit 77; }
pgbin=${SF_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pgbin/postgres" ] || { echo "PostgreSQL server binaries not found"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
pg=$scratch/extpg
mkdir -p "$pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pg"

# --- a CA, a server certificate for 127.0.0.1 and localhost, and a stranger CA -------------
tls=$scratch/tls
mkdir -p "$tls"
mkca() { openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" \
           -keyout "$tls/$1.key" -out "$tls/$1.crt" 2>/dev/null; }
mkca ca "SecuraFlow test CA" && mkca stranger "Someone else's CA" &&
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$pg/server.key" \
  -out "$tls/server.csr" 2>/dev/null &&
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tls/san.ext" &&
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
  -days 2 -extfile "$tls/san.ext" -out "$pg/server.crt" 2>/dev/null
check "test CA and server certificate made" test -s "$pg/server.crt"
chmod 600 "$pg/server.key"
[ "$(id -u)" = 0 ] && chown postgres "$pg/server.key" "$pg/server.crt"

# --- the server: TLS + SCRAM over TCP on loopback only -------------------------------------
port=$(free_port)
as_pg "$pgbin/initdb" -D "$pg/data" -U postgres --auth-local=trust --auth-host=reject \
  >"$scratch/initdb.log" 2>&1
cat >"$pg/data/pg_hba.conf" <<EOF
local     all  postgres                 trust
hostssl   all  all       127.0.0.1/32   scram-sha-256
hostnossl all  all       0.0.0.0/0      reject
EOF
cat >>"$pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pg'
ssl = on
ssl_cert_file = '$pg/server.crt'
ssl_key_file = '$pg/server.key'
password_encryption = 'scram-sha-256'
fsync = off
log_connections = on
EOF
pg_start() { as_pg "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 start >/dev/null; }
pg_stop() { as_pg "$pgbin/pg_ctl" -D "$pg/data" -m fast -w -t 60 stop >/dev/null; }
check "the external PostgreSQL starts (TCP 127.0.0.1:$port, TLS, SCRAM)" pg_start
cleanup_hooks+=("as_pg '$pgbin/pg_ctl' -D '$pg/data' -m immediate stop >/dev/null 2>&1")
admin() { psql -h "$pg" -p "$port" -U postgres -d postgres -XAtq "$@"; }

# The role's password: random, given to the server on standard input (never argv), kept
# in a libpq password file only the collector's user can read.
password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
admin -f - <<<"CREATE ROLE securaflow LOGIN PASSWORD '$password';" >/dev/null
check "the role's password is stored as a SCRAM-SHA-256 verifier" \
  test "$(admin -c "SELECT rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname = 'securaflow'")" = t
printf '127.0.0.1:%s:*:securaflow:%s\n' "$port" "$password" >"$scratch/pgpass"
chmod 600 "$scratch/pgpass"
newdb() { admin -c "CREATE DATABASE $1 OWNER securaflow" >/dev/null &&
  echo "postgresql://securaflow@127.0.0.1:$port/$1?sslmode=verify-full&sslrootcert=$tls/ca.crt&passfile=$scratch/pgpass&connect_timeout=5"; }

# --- refusals: another CA, a wrong password, no TLS ------------------------------------------
url=$(newdb sf_refusals)
"$SF_BIN/securaflow-collector" --data-dir "$scratch/var-r" --database-url \
  "${url/ca.crt/stranger.crt}" migrate >"$scratch/stranger.log" 2>&1
check "a server certificate from another CA is refused (exit 1)" test $? = 1
check "... with a clear reason" grep -q "certificate verify failed" "$scratch/stranger.log"
printf '127.0.0.1:%s:*:securaflow:wrong-%s\n' "$port" "$password" >"$scratch/pgpass-wrong"
chmod 600 "$scratch/pgpass-wrong"
"$SF_BIN/securaflow-collector" --data-dir "$scratch/var-r" --database-url \
  "${url/pgpass/pgpass-wrong}" migrate >"$scratch/wrong.log" 2>&1
check "a wrong password is refused (exit 1)" test $? = 1
check "... with a clear reason" grep -q "password authentication failed" "$scratch/wrong.log"
PGPASSFILE=$scratch/pgpass psql "postgresql://securaflow@127.0.0.1:$port/sf_refusals?sslmode=disable" \
  -XAtqc 'SELECT 1' >/dev/null 2>&1
check "the server refuses connections without TLS" test $? != 0

# --- migrations, retention, TLS on every connection, reconnect during ingest ------------------
url=$(newdb sf_main)
admin -d sf_main -c "SELECT 1" >/dev/null
log=$scratch/collector.log
cport=$(free_port)
base="http://127.0.0.1:$cport"
"$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --database-url "$url" migrate >>"$log" 2>&1
check "migrations apply on the external server" test $? = 0
# A partition far older than retention_days: the collector's retention drops it at start.
psql "$url" -XAtqc "CREATE TABLE traffic_logs_p20200101 PARTITION OF traffic_logs FOR VALUES FROM ('2020-01-01') TO ('2020-01-02')"
token=$("$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --database-url "$url" token create ext 2>>"$log")
SECURAFLOW_DATABASE_URL=$url "$SF_BIN/securaflow-collector" --data-dir "$scratch/var" \
  --listen "127.0.0.1:$cport" >>"$log" 2>&1 &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
check "the collector starts on the external server" wait_http "$base/api/health" 120
send() { # batch-id: posts 50 records, prints the HTTP status
  python3 - "$cport" "$token" "$1" <<'EOF'
import json, sys, http.client
port, token, batch = int(sys.argv[1]), sys.argv[2], sys.argv[3]
recs = [{'endpoint': '/ext/%d' % i, 'method': 'GET', 'status_code': 200, 'response_time_ms': 3,
         'ip_address': '192.0.2.7'} for i in range(50)]
try:
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    c.request('POST', '/api/traffic/batch', json.dumps({'sensor_id': 'ext', 'batch_id': batch,
              'records': recs}), {'Authorization': 'Bearer ' + token})
    print(c.getresponse().status)
except Exception as e:
    print('error', e)
EOF
}
check "a batch is stored (200)" test "$(send b1)" = 200
rows() { psql "$url" -XAtqc "SELECT count(*) FROM traffic_logs WHERE sensor_id = 'ext'" 2>/dev/null; }
check "its 50 rows are in the external database" test "$(rows)" = 50
for _ in $(seq 1 50); do
  [ "$(psql "$url" -XAtqc "SELECT count(*) FROM pg_class WHERE relname = 'traffic_logs_p20200101'")" = 0 ] && break
  sleep 0.2
done
check "retention dropped the 2020 partition on the external server" \
  test "$(psql "$url" -XAtqc "SELECT count(*) FROM pg_class WHERE relname = 'traffic_logs_p20200101'")" = 0
plain=$(admin -c "SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
                  WHERE a.usename = 'securaflow' AND a.datname = 'sf_main' AND NOT s.ssl")
tls_conns=$(admin -c "SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
                      WHERE a.usename = 'securaflow' AND a.datname = 'sf_main' AND s.ssl")
check "every collector connection uses TLS ($tls_conns TLS, $plain plain)" \
  bash -c "[ '$plain' = 0 ] && [ '$tls_conns' -ge 3 ]"

check "the database server stops" pg_stop
for _ in $(seq 1 100); do curl -s "$base/api/health" | grep -q '"database":"error\|"status":"degraded\|"status":"unhealthy' && break; sleep 0.1; done
down=$(send b2)
check "ingest while the database is down is not acknowledged (answer: $down)" test "$down" != 200
check "the database server starts again" pg_start
ok=""
for _ in $(seq 1 60); do ok=$(send b3); [ "$ok" = 200 ] && break; sleep 0.5; done
check "after the database returns, ingest is acknowledged again" test "$ok" = 200
# b2 was not acknowledged; the writer may still have stored it once the database was
# back. A sender resends what was not acknowledged: stored once either way.
check "the unacknowledged batch, resent, is acknowledged" test "$(send b2)" = 200
n=$(rows)
check "the collector reconnected: 150 rows, each batch once (got $n)" test "$n" = 150
kill -TERM "$pid"; wait "$pid"
check "the collector stops cleanly" test $? = 0
check "no error logged except the outage's" \
  bash -c "! grep '\"level\":\"error\"' '$log' | grep -v -i 'connect\|server closed\|terminat\|database' | grep -q ."

# --- the ingest durability and read API tests, unchanged, each on a fresh database ------------
for t in ${SF_EXT_TESTS-collector_ingest_durability collector_api_reads}; do
  url=$(newdb "sf_${t}")
  SF_TEST_DATABASE_URL=$url SECURAFLOW_DATABASE_URL=$url SF_INGEST_RECORDS=${SF_INGEST_RECORDS:-10000} \
    bash "$here/$t.sh" >"$scratch/$t.log" 2>&1
  rc=$?
  check "$t.sh on the external server: $(grep -E '^checks:' "$scratch/$t.log" | tail -n 1)" test $rc = 0
  [ $rc = 0 ] || tail -n 25 "$scratch/$t.log"
done

# --- the password: not in a log, not on a command line ---------------------------------------
# (grep reads the password from a file, so it is not on grep's command line either)
printf '%s\n' "$password" >"$scratch/pw"
check "the password is in no collector or test log" \
  bash -c "! grep -rqF -f '$scratch/pw' '$log' '$scratch'/*.log '$scratch'/var* 2>/dev/null"
check "the password is not in the server's log" bash -c "! grep -qF -f '$scratch/pw' '$pg/server.log'"
check "no running process has the password on its command line" \
  bash -c "! cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' | grep -qF -f '$scratch/pw'"
finish
