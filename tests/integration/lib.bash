# Shared shell helpers for integration tests (not a test itself: run-all runs *.sh): checks that count, a free port, waiting for
# HTTP, and a scratch directory removed on exit. Source it; call `finish` at the end.
checks_passed=0
checks_failed=0

check() { # description command...
  local what=$1; shift
  if "$@"; then checks_passed=$((checks_passed + 1)); else
    checks_failed=$((checks_failed + 1)); echo "FAILED: $what"; fi
}

finish() {
  echo "checks: $checks_passed passed, $checks_failed failed"
  [ "$checks_failed" = 0 ]
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() { # url [seconds]
  local url=$1 limit=${2:-60}
  for _ in $(seq 1 $((limit * 10))); do
    curl -fs -o /dev/null "$url" && return 0
    sleep 0.1
  done
  return 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/sf-int-XXXXXX")
chmod 755 "$scratch" # the embedded server runs as "postgres" when we are root
cleanup_hooks=()
on_exit() {
  for h in "${cleanup_hooks[@]}"; do eval "$h"; done
  rm -rf "$scratch"
}
trap on_exit EXIT
