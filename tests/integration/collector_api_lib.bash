# Shared steps of the collector API tests (collector_api_*.sh; not a test itself): start a
# collector on a free port, run a Python check script
# against it (collector_api_lib.py), stop it and check that its log is clean. Source it
# after lib.bash.
port=$(free_port)
base="http://127.0.0.1:$port"

start_collector() { # extra collector options...
  "$SF_BIN/securaflow-collector" --data-dir "$scratch/var" --listen "127.0.0.1:$port" \
    "$@" >>"$scratch/collector.log" 2>&1 &
  pid=$!
  cleanup_hooks+=("kill -9 $pid 2>/dev/null")
  check "collector starts" wait_http "$base/api/health" 120
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
