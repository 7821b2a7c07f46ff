# Shared steps for several collectors behind HAProxy on one PostgreSQL (not a test itself;
# used by tests/integration/multi_collector.sh and tests/bench/multi_collector.sh). Source
# it after lib.bash. Needs SF_BIN (programs), haproxy and the PostgreSQL server binaries.
#   mc_start_pg                  a throwaway PostgreSQL on a Unix socket; sets mc_url
#   mc_start_collector NAME [args]   collector NAME on port mc_port[NAME], shared JWT key
#   mc_kill9 NAME / mc_stop NAME     kill -9 / SIGTERM and wait
#   mc_start_haproxy NAME...     HAProxy on mc_front in front of those collectors
#   mc_token NAME                an ingest token made with the operator's command
mc_pgbin=${SF_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
declare -A mc_port mc_pid
mc_key=$scratch/jwt.key

mc_as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mc_start_pg() { # [postgres -c settings...]
  local pg=$scratch/pg user
  user=$([ "$(id -u)" = 0 ] && echo postgres || id -un)
  mkdir -p "$pg"
  [ "$(id -u)" = 0 ] && chown postgres "$pg"
  mc_as_pg "$mc_pgbin/initdb" -D "$pg/data" -U "$user" -A trust >"$scratch/initdb.log" 2>&1 || return 1
  mc_as_pg "$mc_pgbin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -t 60 \
    -o "-k $pg -c listen_addresses='' -c max_connections=200 $*" start >/dev/null || return 1
  cleanup_hooks+=("mc_as_pg '$mc_pgbin/pg_ctl' -D '$pg/data' -m immediate stop >/dev/null 2>&1")
  mc_url="host=$pg dbname=postgres user=$user"
  # The JWT signing key every collector shares (jwt_key_file), as an operator deploys it.
  head -c 48 /dev/urandom >"$mc_key" && chmod 600 "$mc_key"
}

mc_start_collector() { # name [extra collector options...]
  local name=$1; shift
  [ -n "${mc_port[$name]:-}" ] || mc_port[$name]=$(free_port)
  "${MC_BIN:-$SF_BIN}/securaflow-collector" --data-dir "$scratch/$name" --database-url "$mc_url" \
    --jwt-key-file "$mc_key" --listen "127.0.0.1:${mc_port[$name]}" "$@" \
    >>"$scratch/collector-$name.log" 2>&1 &
  mc_pid[$name]=$!
  cleanup_hooks+=("kill -9 ${mc_pid[$name]} 2>/dev/null")
}

mc_wait_collector() { wait_http "http://127.0.0.1:${mc_port[$1]}/api/health" "${2:-120}"; }

mc_kill9() { kill -9 "${mc_pid[$1]}" 2>/dev/null; wait "${mc_pid[$1]}" 2>/dev/null; return 0; }

mc_stop() {
  kill -TERM "${mc_pid[$1]}" 2>/dev/null
  wait "${mc_pid[$1]}"
}

mc_start_haproxy() { # collector names...
  mc_front=$(free_port)
  {
    cat <<EOF
global
  maxconn 4000
defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout http-request 30s
  # A request whose collector refused the connection goes to another one at once.
  retries 3
  option redispatch
  retry-on conn-failure empty-response
backend collectors
  balance roundrobin
  option httpchk GET /api/health
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
EOF
    for n in "$@"; do echo "  server $n 127.0.0.1:${mc_port[$n]} check"; done
    cat <<EOF
frontend api
  bind 127.0.0.1:$mc_front
  default_backend collectors
EOF
  } >"$scratch/haproxy.cfg"
  haproxy -f "$scratch/haproxy.cfg" -db >"$scratch/haproxy.log" 2>&1 &
  mc_haproxy=$!
  cleanup_hooks+=("kill $mc_haproxy 2>/dev/null")
  wait_http "http://127.0.0.1:$mc_front/api/health" 30
}

mc_token() { # name: prints a new ingest token (the operator's command, on the shared database)
  "${MC_BIN:-$SF_BIN}/securaflow-collector" --data-dir "$scratch/cli" --database-url "$mc_url" \
    token create "$1" 2>>"$scratch/cli.log" | tail -n 1
}

mc_sql() { psql "$mc_url" -XAtqc "$1"; }

# A probe: one-record batches through HAProxy, one after another, each logged as
# "start_s end_s status"; mc_failover_report reads the log around a kill.
mc_start_probe() { # token
  python3 - "$mc_front" "$1" "$scratch/probe.log" "$scratch/probe.stop" <<'EOF' &
import http.client, json, os, sys, time
port, token, out, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
n = 0
with open(out, 'w') as log:
    while not os.path.exists(stop):
        n += 1
        body = json.dumps({'sensor_id': 'probe', 'batch_id': 'probe-%d' % n, 'records': [
            {'endpoint': '/probe/%d' % n, 'method': 'GET', 'status_code': 200,
             'response_time_ms': 1, 'ip_address': '198.51.100.1'}]})
        t0 = time.time()
        try:
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
            c.request('POST', '/api/traffic/batch', body, {'Authorization': 'Bearer ' + token})
            status = c.getresponse().status
            c.close()
        except Exception:
            status = 0
        log.write('%.4f %.4f %d\n' % (t0, time.time(), status))
        log.flush()
        time.sleep(0.02)
EOF
  mc_probe=$!
  cleanup_hooks+=("kill $mc_probe 2>/dev/null")
}

mc_stop_probe() { touch "$scratch/probe.stop"; wait "$mc_probe" 2>/dev/null; }

# Prints the probe's answer times before a kill at t_kill (median and longest over the 10 s
# before) and across it (requests in flight at the kill or sent in the 10 s after it:
# failures, the longest, and how long after the kill the first request sent after it was
# answered).
mc_failover_report() { # t_kill
  local median
  median=$(awk -v k="$1" '$2 < k && $1 >= k - 10 { print $2 - $1 }' "$scratch/probe.log" \
           | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR ? v[int((NR + 1) / 2)] : 0 }')
  awk -v k="$1" -v median="$median" '
    $2 < k && $1 >= k - 10 { if ($2 - $1 > bmax) bmax = $2 - $1 }
    $2 >= k && $1 <= k + 10 {
      if ($3 != 200) failed++
      if ($2 - $1 > amax) amax = $2 - $1
      if ($1 >= k && first == "" && $3 == 200) first = $2 - k
    }
    END {
      printf "before: median %s s, longest %.3f s; across the kill: %d failed, longest %.3f s, first sent after it answered %.3f s after the kill\n",
        median, bmax, failed, amax, first
    }' "$scratch/probe.log"
}
