#!/bin/sh
# Installs the Debian packages SecuraFlow needs to build, run and test, and only
# those that are missing, quietly. A second run costs one dpkg-query.
#   scripts/install-deps.sh           build + run + test
#   scripts/install-deps.sh --bench   also the benchmark peers (tshark, sklearn, wrk, hyperfine)
#   scripts/install-deps.sh --browser also chromium for the dashboard's browser tests
#   scripts/install-deps.sh --packaging  also debhelper, lintian and mmdebstrap (make debs)
# Node.js and npm (the dashboard's build) count as present when the commands exist, whichever
# package brought them (Debian's nodejs + npm, or another Node.js 18+ build).
set -eu

want="build-essential cmake pkg-config clang libclang-rt-14-dev zlib1g-dev
libevent-dev libpq-dev libjansson-dev libjwt-dev libcunit1-dev libsodium-dev libpcap-dev
node-llhttp libssl-dev postgresql postgresql-contrib iproute2 procps curl python3 haproxy"
for arg in "$@"; do
  case "$arg" in
    --bench) want="$want tshark httpry python3-sklearn python3-numpy wrk hyperfine valgrind" ;;
    --browser) want="$want chromium" ;;
    --packaging) want="$want debhelper dpkg-dev fakeroot lintian mmdebstrap systemd-container" ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=""
command -v node >/dev/null || missing="$missing nodejs"
command -v npm >/dev/null || missing="$missing npm"
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing packages:$missing; run as root or: sudo apt-get install$missing" >&2
  exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Package lists on a fresh machine may be empty or stale: refresh once, then install.
apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || {
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
}
