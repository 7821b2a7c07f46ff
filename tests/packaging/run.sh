#!/bin/bash
# The Debian packages on a clean Debian 12 root: builds them (packaging/build-debs.sh,
# lintian with no errors and no warnings), makes a fresh bookworm root with mmdebstrap
# from the Debian archive, installs both packages there with apt (dependencies and
# Recommends resolved from the archive), checks files, conffiles, users and permissions,
# starts both daemons the way their systemd units do (unit's User, ExecStart, state
# directory, capabilities) inside a private network namespace, makes a token with the
# operator's command, sends traffic through the sensor to the collector, stops both,
# boots the root with systemd (systemd-nspawn) and checks both units as installed,
# checks the units' systemd-analyze exposure, purges both packages and checks that
# nothing of theirs is left.
#   tests/packaging/run.sh            (as root; `make test-packaging`)
# Needs: debhelper, lintian, mmdebstrap, systemd-container (scripts/install-deps.sh
# --packaging), network
# access to deb.debian.org. SF_PKG_DEBS=DIR uses packages already built there.
set -uo pipefail
cd "$(dirname "$0")/../.."
src=$(pwd)
. tests/integration/lib.bash
root=$scratch/root
debs=${SF_PKG_DEBS:-$scratch/debs}
step() { echo "== $(date +%T) $*"; }

if [ "$(id -u)" != 0 ]; then echo "tests/packaging: needs root (chroot, mmdebstrap)"; exit 77; fi

if [ -z "${SF_PKG_DEBS:-}" ]; then
  step "building the packages"
  check "packages build and lintian reports no errors or warnings" packaging/build-debs.sh "$debs"
fi
collector_deb=$(ls "$debs"/securaflow-collector_*.deb 2>/dev/null | head -n 1)
sensor_deb=$(ls "$debs"/securaflow-sensor_*.deb 2>/dev/null | head -n 1)
if [ -z "$collector_deb" ] || [ -z "$sensor_deb" ]; then echo "no packages in $debs"; finish; exit 1; fi
check "a -dbgsym package holds the collector's debug symbols" \
  test -n "$(ls "$debs"/securaflow-collector-dbgsym_*.deb 2>/dev/null)"

step "a clean Debian 12 root (mmdebstrap)"
mirror=${SF_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${SF_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
# policy-rc.d: services of the dependencies (PostgreSQL's main cluster) are not started
# in the host's network by their maintainer scripts.
if ! mmdebstrap --quiet --variant=apt --mode=root --include=ca-certificates,systemd,systemd-sysv,dbus \
     --customize-hook='printf "#!/bin/sh\nexit 101\n" >"$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"' \
     bookworm "$root" "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
     "deb $security bookworm-security main" >"$scratch/mmdebstrap.log" 2>&1; then
  tail -n 20 "$scratch/mmdebstrap.log"
  check "mmdebstrap makes a bookworm root" false
  finish; exit 1
fi

# Everything that mounts runs in its own mount namespace: nothing stays mounted on the
# host when it ends, whatever happens.
inside() { unshare --mount --propagation private -- bash "$src/tests/packaging/in_root.sh" "$@"; }
mkdir -p "$root/tmp/debs"
cp "$collector_deb" "$sensor_deb" "$root/tmp/debs/"
step "installing both packages with apt"
inside "$root" install "$(basename "$collector_deb")" "$(basename "$sensor_deb")" \
  >"$scratch/install.log" 2>&1
check "apt installs both packages and their dependencies" test $? = 0 || tail -n 30 "$scratch/install.log"
step "files, users, conffiles; both daemons started as their units start them"
inside "$root" check-and-run
rc=$?
check "installed system checks (tests/packaging/in_root.sh)" test "$rc" = 0

step "booting the root with systemd (systemd-nspawn): the units as installed"
if command -v systemd-nspawn >/dev/null; then
  bash tests/packaging/boot_root.sh "$root"
  check "both units run under systemd (tests/packaging/boot_root.sh)" test $? = 0
else
  echo "systemd-nspawn not found (apt-get install systemd-container): units not booted"
fi

step "systemd-analyze security of the installed units"
for unit_score in securaflow-collector.service:1.8 securaflow-sensor@eth0.service:2.4; do
  unit=${unit_score%%:*} max=${unit_score##*:}
  score=$(systemd-analyze security --offline=yes --root="$root" "$unit" 2>/dev/null \
          | sed -nE 's/.*Overall exposure level for .*: ([0-9.]+).*/\1/p')
  echo "$unit: exposure ${score:-?} (at most $max)"
  check "$unit exposure ${score:-?} <= $max" awk -v s="${score:-99}" -v m="$max" 'BEGIN { exit !(s <= m) }'
done

step "purge"
inside "$root" purge >"$scratch/purge.log" 2>&1
check "apt purges both packages" test $? = 0 || tail -n 30 "$scratch/purge.log"
left=$(chroot "$root" find / -xdev \( -path /tmp -o -path /proc \) -prune -o \
         \( -name '*securaflow*' -o -user securaflow -o -user securaflow-sensor \
            -o -group securaflow -o -group securaflow-sensor \) -print 2>/dev/null)
[ -n "$left" ] && printf 'left after purge: %s\n' $left
check "nothing named securaflow or owned by its accounts is left after purge" test -z "$left"
check "the system accounts stay (Debian leaves them)" chroot "$root" getent passwd securaflow securaflow-sensor

rm -rf --one-file-system "$root"
finish
