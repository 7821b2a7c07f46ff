# Shared steps of the collector API tests (collector_api_*.sh; not a test itself): start a
# collector on a free port, run a Python check script
# against it (collector_api_lib.py), stop it and check that its log is clean. Source it
# after lib.bash.
#
# Tokens: the read and analyst routes need one. In Python, collector_api_lib.py's calls carry
# an admin token by default (see its docstring). In shell, `token_for admin|analyst|guest`
# prints one (the first account signed up on the fresh database is the admin), e.g.
#   curl -H "Authorization: Bearer $(token_for admin)" "$base/api/model"
# start_collector raises the rate limit (--rate-limit) so tests are not throttled; pass
# your own --rate-limit after it to test the limits.
port=$(free_port)
base="http://127.0.0.1:$port"

start_collector() { # extra collector options...
  "$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --listen "127.0.0.1:$port" \
    --rate-limit 1000000 --login-rate-limit 1000000 "$@" >>"$scratch/collector.log" 2>&1 &
  pid=$!
  cleanup_hooks+=("kill -9 $pid 2>/dev/null")
  check "collector starts" wait_http "$base/api/health" 120
}

token_for() { # admin|analyst|guest: prints a token (cached per role for this test)
  local role=$1 cache="$scratch/token-$1"
  if [ ! -s "$cache" ]; then
    PYTHONPATH="$(dirname "${BASH_SOURCE[0]}")" python3 -c \
      'import sys, collector_api_lib as l; print(l.token_for(sys.argv[2]))' "$base" "$role" >"$cache"
  fi
  cat "$cache"
}

run_checks() { # description (the Python script comes on stdin)
  PYTHONPATH="$(dirname "${BASH_SOURCE[0]}")" python3 - "$base"
  check "$1" [ $? = 0 ]
}

stop_collector() {
  check "no error logged" bash -c "! grep -q '\"level\":\"error\"' '$scratch/collector.log'"
  kill -INT "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  check "collector stops on SIGINT" bash -c "! kill -0 $pid 2>/dev/null"
  check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$scratch/collector.log'"
}
