#!/bin/bash
# Builds the React dashboard into dashboard/dist (served by the collector at "/"):
# checks Node.js (18 or later, as Debian 12 ships it), runs `npm ci` when package-lock.json
# changed since the last install, and `npm run build` (tsc + vite) when a source is newer
# than dist/. Quiet unless something fails. Called by scripts/build.sh build.
set -euo pipefail
cd "$(dirname "$0")/../dashboard"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "build-dashboard: node and npm are needed (Debian: apt-get install nodejs npm; or run scripts/install-deps.sh)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "build-dashboard: Node.js $(node --version) is too old; the dashboard needs 18 or later (Debian 12 ships 18.x)" >&2
  exit 1
fi

stamp=node_modules/.securaflow-lock
want="$(sha256sum package-lock.json | cut -d' ' -f1) node$major"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log=$(mktemp)
  if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "build-dashboard: npm ci failed" >&2
    exit 1
  fi
  rm -f "$log"
  echo "$want" >"$stamp"
fi

if [ -f dist/index.html ] && [ -z "$(find src public index.html package-lock.json vite.config.ts tsconfig.json \
     -newer dist/index.html -print -quit)" ]; then
  exit 0
fi
log=$(mktemp)
if ! npm run --silent build >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  echo "build-dashboard: build failed" >&2
  exit 1
fi
rm -f "$log"
