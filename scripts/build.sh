#!/bin/bash
# Configures and builds one flavour of the tree, showing only warnings and errors.
#   scripts/build.sh build        normal (RelWithDebInfo)
#   scripts/build.sh build-asan   AddressSanitizer + UBSan
#   scripts/build.sh build-fuzz   clang + libFuzzer targets
# The normal flavour also builds the dashboard (scripts/build-dashboard.sh; SF_NO_DASHBOARD=1 skips it).
set -euo pipefail
dir=${1:-build}
cd "$(dirname "$0")/.."
case "$dir" in
  build) opts=() ;;
  build-asan) opts=(-DSANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  build-fuzz) opts=(-DFUZZ=ON -DCMAKE_C_COMPILER=clang) ;;
  *) echo "build.sh: unknown flavour $dir" >&2; exit 2 ;;
esac
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S . -B "$dir" "${opts[@]}" >/dev/null
fi
cmake --build "$dir" -j"$(nproc)" 2>&1 | { grep -vE '^\[ *[0-9]+%\]|^(Consolidate|Scanning|Built target|gmake)' || true; }
if [ "$dir" = build ] && [ -z "${SF_NO_DASHBOARD:-}" ]; then
  scripts/build-dashboard.sh
fi
