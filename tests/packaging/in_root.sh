#!/bin/bash
# The steps of tests/packaging/run.sh that happen inside the Debian 12 root. Run in a
# private mount namespace (run.sh uses unshare), so /proc and /dev/shm mounted here
# vanish with it; the daemons run in a further private network namespace, where the
# packaged configuration's 127.0.0.1:8080 collides with nothing on the host.
#   in_root.sh ROOT install DEB...  |  check-and-run  |  purge  |  daemons (internal)
set -uo pipefail
root=$1 mode=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
failed=0
check() { # description command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failed=$((failed + 1)); return 1; fi
}
in_root() { chroot "$root" "$@"; }
# The root's accounts, as numbers (the host's names mean nothing there).
id_of() { chroot "$root" id -u "$1" 2>/dev/null; }
gid_of() { chroot "$root" getent group "$1" 2>/dev/null | cut -d: -f3; }
owner_of() { stat -c "%a %u %g" "$1"; }
as_service() { chroot --userspec=securaflow:securaflow "$root" "$@"; }

mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8

case "$mode" in
install)
  in_root apt-get update -q && in_root apt-get install -y -q "${@/#//tmp/debs/}"
  exit $?
  ;;
purge)
  in_root apt-get purge -y -q securaflow-collector securaflow-sensor
  exit $?
  ;;
esac

if [ "$mode" = check-and-run ]; then
  for f in /usr/bin/securaflow-collector /usr/bin/securaflow-sensor /usr/bin/securaflow-model \
           /lib/systemd/system/securaflow-collector.service /lib/systemd/system/securaflow-sensor@.service \
           /usr/share/man/man8/securaflow-collector.8.gz /usr/share/man/man8/securaflow-sensor.8.gz \
           /usr/share/man/man1/securaflow-model.1.gz /usr/share/man/man5/securaflow-collector.conf.5.gz \
           /usr/share/man/man5/securaflow-sensor.conf.5.gz /usr/share/doc/securaflow-collector/copyright \
           /usr/share/doc/securaflow-sensor/changelog.gz; do
    check "installed: $f" test -f "$root$f"
  done
  for b in securaflow-collector securaflow-sensor securaflow-model; do
    check "$b is stripped (no .debug_info)" \
      bash -c "! readelf -S '$root/usr/bin/$b' | grep -q debug_info"
  done
  check "collector.conf is a conffile" \
    bash -c "chroot '$root' dpkg-query -W -f='\${Conffiles}' securaflow-collector | grep -q '/etc/securaflow/collector.conf '"
  check "sensor.conf is a conffile" \
    bash -c "chroot '$root' dpkg-query -W -f='\${Conffiles}' securaflow-sensor | grep -q '/etc/securaflow/sensor.conf '"
  check "collector.conf is 0640 root:securaflow" \
    test "$(owner_of "$root/etc/securaflow/collector.conf")" = "640 0 $(gid_of securaflow)"
  check "sensor.conf is 0640 root:securaflow-sensor" \
    test "$(owner_of "$root/etc/securaflow/sensor.conf")" = "640 0 $(gid_of securaflow-sensor)"
  for u in securaflow securaflow-sensor; do
    entry=$(in_root getent passwd "$u")
    uid=$(cut -d: -f3 <<<"$entry")
    check "system user $u exists (uid ${uid:-none} < 1000, no login shell)" \
      bash -c "[ -n '$uid' ] && [ '$uid' -lt 1000 ] && [ '$(cut -d: -f7 <<<"$entry")' = /usr/sbin/nologin ]"
  done
  check "the collector's data directory belongs to securaflow, mode 750" \
    test "$(owner_of "$root/var/lib/securaflow/collector")" = "750 $(id_of securaflow) $(gid_of securaflow)"
  check "PostgreSQL server binaries came with the collector (Recommends)" \
    bash -c "ls '$root'/usr/lib/postgresql/*/bin/postgres >/dev/null"
  unshare --net -- bash "$here/in_root.sh" "$root" daemons
  check "both daemons run with the packaged configuration (see above)" test $? = 0
  exit $((failed > 0))
fi

# --- daemons: in a private network namespace -------------------------------------------
[ "$mode" = daemons ] || { echo "in_root.sh: unknown mode $mode"; exit 2; }
ip link set lo up
unit_value() { sed -n "s/^$2=//p" "$root/lib/systemd/system/$1" | head -n 1; }
pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap stop_all EXIT

# The collector, as securaflow-collector.service starts it.
unit=securaflow-collector.service
user=$(unit_value $unit User)
exec_line=$(unit_value $unit ExecStart)
check "the collector unit runs as securaflow" test "$user" = securaflow
(umask 0027; exec chroot --userspec="$user:$user" "$root" env -i PATH=/usr/bin:/bin \
   HOME=/var/lib/securaflow/collector $exec_line) >"$root/tmp/collector.log" 2>&1 &
collector=$!
pids+=($collector)
up=1
for _ in $(seq 1 900); do curl -fs -o /dev/null http://127.0.0.1:8080/api/health && { up=0; break; }; sleep 0.1; done
check "the collector answers /api/health on the packaged listen address" test $up = 0 \
  || tail -n 20 "$root/tmp/collector.log"

if [ -f "$root/usr/share/securaflow/dashboard/index.html" ]; then
  check "the packaged dashboard is served at /" \
    bash -c "curl -fs http://127.0.0.1:8080/ | grep -qi '<html'"
fi

# The operator's command, as root, on the running service's database.
token=$(in_root securaflow-collector token create web-01 2>"$root/tmp/token.err")
check "'securaflow-collector token create web-01' as root prints a token" \
  bash -c "[[ '$token' == sfi_* ]]" || cat "$root/tmp/token.err"
check "nothing in the data directory belongs to root after the command" \
  test -z "$(find "$root/var/lib/securaflow/collector" ! -uid "$(id_of securaflow)" | head -n 3)"
check "the token is not in the collector's log" bash -c "! grep -qF '$token' '$root/tmp/collector.log'"

# A sensor on lo, as securaflow-sensor@lo.service starts it, with the new token.
sed -i -e "s|^collector = .*|collector = http://127.0.0.1:8080|" -e "s|^token =.*|token = $token|" \
       -e "s|^ports = .*|ports = 8000|" "$root/etc/securaflow/sensor.conf"
unit=securaflow-sensor@.service
user=$(unit_value $unit User)
exec_line=$(unit_value $unit ExecStart)
exec_line=${exec_line//%i/lo}
caps=$(unit_value $unit AmbientCapabilities | tr 'A-Z' 'a-z' | sed -e 's/cap_/+/g' -e 's/ /,/g')
install -d -m 0750 -o "$(id_of "$user")" -g "$(gid_of "$user")" "$root/var/lib/securaflow/sensor-lo"
(umask 0027; exec chroot "$root" setpriv --reuid="$user" --regid="$user" --init-groups \
   --inh-caps="-all,$caps" --ambient-caps="-all,$caps" --bounding-set="-all,$caps" --no-new-privs \
   env -i PATH=/usr/bin:/bin $exec_line) >"$root/tmp/sensor.log" 2>&1 &
sensor=$!
pids+=($sensor)
python3 -m http.server 8000 --bind 127.0.0.1 --directory "$root/usr/share/doc" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q '"capturing on lo' "$root/tmp/sensor.log" && break; sleep 0.1; done
sleep 0.5
for i in $(seq 1 30); do curl -s -o /dev/null "http://127.0.0.1:8000/?i=$i"; done
stored=0
for _ in $(seq 1 60); do
  stored=$(as_service psql -h /var/lib/securaflow/collector/pg -U securaflow -d securaflow -Atc \
           "SELECT count(*) FROM traffic_logs WHERE endpoint LIKE '/?i=%' AND server_port = 8000" 2>/dev/null || echo 0)
  [ "${stored:-0}" -ge 30 ] && break
  sleep 0.5
done
check "30 requests on lo went sensor -> collector -> PostgreSQL (stored: $stored)" test "${stored:-0}" -ge 30 \
  || { tail -n 20 "$root/tmp/sensor.log"; tail -n 5 "$root/tmp/collector.log"
       as_service psql -h /var/lib/securaflow/collector/pg -U securaflow -d securaflow -c \
         "SELECT endpoint, server_port, count(*) FROM traffic_logs GROUP BY 1, 2"; }
check "the sensor runs as securaflow-sensor" \
  test "$(stat -c %u "/proc/$sensor" 2>/dev/null)" = "$(id_of securaflow-sensor)"

kill -TERM "$sensor"; wait "$sensor"
check "the sensor stops cleanly on SIGTERM" test $? = 0
kill -TERM "$collector"; wait "$collector"
check "the collector stops cleanly on SIGTERM" test $? = 0 || tail -n 10 "$root/tmp/collector.log"
left=""
for p in /proc/[0-9]*; do
  [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && left="$left ${p#/proc/}"
done
check "no process left in the root (embedded PostgreSQL stopped)" test -z "$left"
exit $((failed > 0))
