#!/bin/bash
# Builds the Debian packages (securaflow-collector, securaflow-sensor and their -dbgsym
# packages) with debhelper from a copy of this tree: the source files git knows about
# (committed or not, ignored ones left out), the built dashboard (dashboard/dist) when
# there is one, and packaging/debian as debian/. Then runs lintian on the result.
#   packaging/build-debs.sh [OUTDIR]      default OUTDIR: build/debs
# Needs: debhelper, dpkg-dev, fakeroot, lintian and the build dependencies of
# packaging/debian/control (scripts/install-deps.sh --packaging installs them all).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/debs}
version=$(dpkg-parsechangelog -l "$root/packaging/debian/changelog" -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-debs-XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/securaflow-$version

echo "build-debs: copying the source tree" >&2
mkdir -p "$src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard \
   | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$src"
if [ -f "$root/dashboard/dist/index.html" ]; then
  mkdir -p "$src/dashboard"
  cp -a "$root/dashboard/dist" "$src/dashboard/dist"
else
  echo "build-debs: no dashboard/dist: the collector package will serve no dashboard" >&2
fi
cp -a "$root/packaging/debian" "$src/debian"

echo "build-debs: dpkg-buildpackage (log: $work/build.log while it runs)" >&2
if ! (cd "$src" && nice dpkg-buildpackage -b -us -uc -j"$(nproc)") >"$work/build.log" 2>&1; then
  tail -n 60 "$work/build.log" >&2
  echo "build-debs: dpkg-buildpackage failed" >&2
  exit 1
fi
mkdir -p "$out"
rm -f "$out"/securaflow*.deb "$out"/securaflow*.ddeb "$out"/securaflow*.changes "$out"/securaflow*.buildinfo
mv "$work"/*.deb "$work"/*.ddeb "$work"/*.changes "$work"/*.buildinfo "$out"/ 2>/dev/null || true
ls -1 "$out"
echo "build-debs: lintian" >&2
rc=0
lintian --fail-on error,warning --display-level ">=warning" "$out"/securaflow*.deb \
  >"$work/lintian.log" 2>&1 || rc=$?
grep -v 'running with root privileges' "$work/lintian.log" >&2 || true
[ "$rc" = 0 ] && echo "build-debs: lintian: no errors, no warnings" >&2
exit "$rc"
