# HTTPS on the collector (libevent OpenSSL bufferevents, tls_cert/tls_key) with a
# self-signed certificate made here by openssl: curl and the sensor's uploader trust it
# through their CA file and upload over it; a sensor given another CA refuses the
# collector's certificate and keeps its batches; plain HTTP on the TLS port does no harm.
source "$(dirname "$0")/lib.bash"
command -v openssl >/dev/null || { echo "skipped: openssl missing"; exit 77; }
pcap=${SF_DATA:-$SF_SRC/../shared/data}/pcap/zeek-http/1000-requests-one-dropped-response.pcap
[ -r "$pcap" ] || { echo "skipped: $pcap missing"; exit 77; }
port=$(free_port)
base="https://127.0.0.1:$port"
cert() { # name: a self-signed certificate for 127.0.0.1 (its own CA)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=securaflow-test-$1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$scratch/$1.key" -out "$scratch/$1.pem" 2>>"$scratch/openssl.log"
}
check "openssl made a certificate" cert collector
check "and another, from nobody we trust" cert stranger
chmod 600 "$scratch"/*.key

check "a certificate without its key is refused at start" bash -c \
  "! '$SF_BIN/securaflow-collector' --data-dir '$scratch/v0' --listen 127.0.0.1:$port --tls-cert '$scratch/collector.pem' >/dev/null 2>&1"
"$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --listen "127.0.0.1:$port" \
  --tls-cert "$scratch/collector.pem" --tls-key "$scratch/collector.key" --retention-days 3650 \
  --allow-signup false \
  >"$scratch/collector.log" 2>&1 &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
up() { curl -fs --cacert "$scratch/collector.pem" -o /dev/null "$base/api/health"; }
for _ in $(seq 1 1200); do up && break; sleep 0.1; done
check "HTTPS health with the CA file" up
check "refused without it (curl verifies)" bash -c "! curl -fs -o /dev/null '$base/api/health'"
check "plain HTTP on the TLS port gets no answer" bash -c "! curl -fs -m 5 -o /dev/null 'http://127.0.0.1:$port/api/health'"
check "and the collector still answers" up
check "signup switched off: 403" bash -c "curl -s --cacert '$scratch/collector.pem' -H 'Content-Type: application/json' \
  -d '{\"email\":\"a@example.com\",\"username\":\"alice\",\"password\":\"long enough 1\"}' \
  -w ' %{http_code}' '$base/api/auth/signup' | grep -q '{\"detail\":\"Signup is disabled\"} 403'"

(umask 077; "$SF_BIN/securaflow-collector" --data-dir "$scratch/var" token create tls-sensor \
  >"$scratch/token" 2>>"$scratch/cli.log")
upload() { # name ca-file
  timeout 120 "$SF_BIN/securaflow-sensor" -r "$pcap" --quiet --sensor-id "tls-$1" \
    --collector "$base" --token-file "$scratch/token" --ca-file "$2" \
    --spool-dir "$scratch/spool-$1" >"$scratch/sensor-$1.log" 2>&1
}
check "the sensor refuses a CA file that is not a certificate" bash -c \
  "! '$SF_BIN/securaflow-sensor' -r '$pcap' --collector '$base' --token-file '$scratch/token' --ca-file '$scratch/token' 2>/dev/null"
check "sensor run with the wrong CA exits" upload stranger "$scratch/stranger.pem"
check "it refused the certificate" grep -q 'not trusted' "$scratch/sensor-stranger.log"
check "and kept its batches in the spool" [ "$(find "$scratch/spool-stranger" -name '*.batch' | wc -l)" -ge 1 ]
check "sensor run with the right CA exits" upload trusted "$scratch/collector.pem"
check "it spooled nothing" [ "$(find "$scratch/spool-trusted" -name '*.batch' 2>/dev/null | wc -l)" = 0 ]
sql() { psql "host=$scratch/var/pg user=securaflow dbname=securaflow" -Atc "$1" 2>>"$scratch/psql.log"; }
for _ in $(seq 1 100); do
  stored=$(sql "select count(*) from traffic_logs")
  [ "${stored:-0}" -ge 900 ] && break
  sleep 0.2
done
check "its records were stored over HTTPS ($stored)" [ "${stored:-0}" -ge 900 ]
check "from the trusted sensor only" [ "$(sql "select count(distinct batch_id) from ingest_batches where batch_id like 'tls-stranger%'")" = 0 ]
kill -INT "$pid"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "collector stops on SIGINT" bash -c "! kill -0 $pid 2>/dev/null"
check "no error logged" bash -c "! grep -q '\"level\":\"error\"' '$scratch/collector.log'"
check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$scratch/collector.log'"
check "no key material in the logs" bash -c "! grep -qF \"\$(sed -n 2p '$scratch/collector.key')\" '$scratch/collector.log' '$scratch'/sensor-*.log"
[ "$checks_failed" = 0 ] || tail -n 20 "$scratch/collector.log" "$scratch"/sensor-*.log
finish
