#!/bin/bash
# The dashboard's component tests (vitest + jsdom): formatting, merging routes per bucket,
# auth state, the SSE reconnection, filters, error boundaries. Counts vitest's tests.
set -uo pipefail
cd "$SF_SRC/dashboard" || exit 1
if [ ! -d node_modules/vitest ]; then echo "dashboard not installed (run make build)"; exit 1; fi
out=$(mktemp)
timeout 300 npx vitest run --reporter=verbose >"$out" 2>&1
rc=$?
cat "$out"
p=$(grep -oE 'Tests +([0-9]+ failed \| )?[0-9]+ passed' "$out" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' | tail -1)
f=$(grep -oE 'Tests +[0-9]+ failed' "$out" | grep -oE '[0-9]+' | tail -1)
rm -f "$out"
echo "checks: ${p:-0} passed, ${f:-$([ $rc = 0 ] && echo 0 || echo 1)} failed"
exit $rc
