#!/bin/bash
# Runs every test: unit tests (normal and sanitizer builds), integration tests against
# the sanitizer build, and a short smoke run of every fuzz target. Ends with one line
# "N passed, N failed" and exits non-zero on any failure.
#
# Integration tests are tests/integration/*.sh, run with SF_BIN (programs), SF_SRC
# (project root) and SF_DATA (../shared/data). Exit 0 = pass, 77 = skipped, else fail.
# A test may print "checks: N passed, M failed" as its last such line to count its own
# checks. Fuzz targets get SF_FUZZ_SECONDS each (default 10) on tests/fuzz/corpus/<name>.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
passed=0
failed=0
failures=()
logdir=$(mktemp -d "${TMPDIR:-/tmp}/sf-test-logs-XXXXXX")

started=$SECONDS
count() { # name exit-code logfile  (the time since the previous count is the test's)
  local name=$1 rc=$2 log=$3 line p f took=$((SECONDS - started))
  started=$SECONDS
  line=$(grep -E '^(unit|checks): [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  elif [ "$rc" = 0 ]; then p=1 f=0
  else p=0 f=1
  fi
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" != 0 ]; then
    failures+=("$name (log: $log)")
    echo "FAIL $name: $p passed, $f failed (${took}s)"; tail -n 30 "$log" | sed 's/^/    /'
  else
    echo "ok   $name: $p passed (${took}s)"
  fi
}

build() {
  echo "== build $1"
  started=$SECONDS
  if ! scripts/build.sh "$1" >"$logdir/$1.log" 2>&1; then
    cat "$logdir/$1.log"
    count "build $1" 1 "$logdir/$1.log"
    return 1
  fi
}

build build
build build-asan
build build-fuzz || true

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SF_SRC=$root SF_DATA=$root/../shared/data
export SF_LOGDIR=$logdir # tests keep artifacts (screenshots) beside their logs

started=$SECONDS
for flavour in build build-asan; do
  if [ -x "$flavour/bin/securaflow-unit-tests" ]; then
    log="$logdir/unit-$flavour.log"
    (cd "$flavour" && ./bin/securaflow-unit-tests) >"$log" 2>&1
    count "unit tests ($flavour)" $? "$log"
  fi
done

export SF_BIN=$root/build-asan/bin SF_BIN_FAST=$root/build/bin
for t in tests/integration/*.sh; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .sh)
  log="$logdir/int-$name.log"
  timeout 900 bash "$t" >"$log" 2>&1
  rc=$?
  if [ "$rc" = 77 ]; then echo "skip $name: $(tail -n 1 "$log")"; started=$SECONDS; continue; fi
  count "integration $name" $rc "$log"
done

fuzz_seconds=${SF_FUZZ_SECONDS:-10}
for f in build-fuzz/bin/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  corpus="tests/fuzz/corpus/${name#fuzz_}"
  work=$(mktemp -d "$logdir/corpus-XXXXXX")
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
  log="$logdir/$name.log"
  (cd "$logdir" && "$root/$f" -max_total_time="$fuzz_seconds" -rss_limit_mb=1024 -timeout=10 \
     -print_final_stats=1 "$work") >"$log" 2>&1
  count "fuzz $name (${fuzz_seconds}s)" $? "$log"
done

echo
if [ "$failed" != 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
