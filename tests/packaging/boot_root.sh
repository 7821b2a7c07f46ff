#!/bin/bash
# The installed packages under a real systemd: boots the Debian 12 root of
# tests/packaging/run.sh with systemd-nspawn (its own network namespace, so the packaged
# 127.0.0.1:8080 collides with nothing), and checks that securaflow-collector.service
# (enabled by the package) and securaflow-sensor@lo.service come up with every hardening
# setting of their units in force, that records flow sensor -> collector, that the
# operator's token command works next to the running service, the units' exposure as the
# running systemd reports it, and a clean stop at poweroff.
#   boot_root.sh ROOT
set -uo pipefail
root=$1
failed=0
check() { # description command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failed=$((failed + 1)); return 1; fi
}
chroot "$root" systemctl enable securaflow-sensor@lo.service >/dev/null 2>&1
systemd-nspawn -q -D "$root" --boot --register=no --keep-unit --private-network \
  >"$root/tmp/boot.log" 2>&1 </dev/null &
nspawn=$!
leader=""
for _ in $(seq 1 100); do
  leader=$(ps -o pid= --ppid "$nspawn" 2>/dev/null | head -n 1 | tr -d ' ')
  [ -n "$leader" ] && break
  sleep 0.1
done
inside() { nsenter -t "$leader" -m -u -i -n -p -- "$@"; }
in_net() { nsenter -t "$leader" -n -- "$@"; }   # host programs in the container's network
poweroff() {
  inside systemctl poweroff >/dev/null 2>&1
  for _ in $(seq 1 300); do kill -0 "$nspawn" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$nspawn" 2>/dev/null; return 1
}
trap 'kill -0 $nspawn 2>/dev/null && poweroff' EXIT
check "systemd boots the root (systemd-nspawn)" test -n "$leader" || { cat "$root/tmp/boot.log"; exit 1; }

up=1
for _ in $(seq 1 600); do in_net curl -fs -o /dev/null http://127.0.0.1:8080/api/health && { up=0; break; }; sleep 0.1; done
check "securaflow-collector.service is enabled by the package and answers after boot" test $up = 0
check "systemd reports the collector active" test "$(inside systemctl is-active securaflow-collector.service)" = active \
  || inside journalctl -u securaflow-collector.service --no-pager | tail -n 20
check "systemd reports securaflow-sensor@lo active" test "$(inside systemctl is-active securaflow-sensor@lo.service)" = active \
  || inside journalctl -u securaflow-sensor@lo.service --no-pager | tail -n 20
main_pid=$(inside systemctl show -p MainPID --value securaflow-collector.service)
check "the collector (pid $main_pid) runs as securaflow" test "$(inside stat -c %U "/proc/$main_pid")" = securaflow
check "... with no capabilities" inside grep -qE '^CapEff:[[:space:]]+0+$' "/proc/$main_pid/status"
check "its embedded PostgreSQL runs inside the unit's sandbox (same cgroup)" \
  bash -c "nsenter -t $leader -m -p -- systemctl status securaflow-collector.service --no-pager 2>/dev/null | grep -q 'postgres -D /var/lib/securaflow/collector/pg/data'"

in_net python3 -m http.server 8000 --bind 127.0.0.1 --directory "$root/usr/share/doc" >/dev/null 2>&1 &
web=$!
sleep 1
for i in $(seq 1 20); do in_net curl -s -o /dev/null "http://127.0.0.1:8000/?boot=$i"; done
stored=0
for _ in $(seq 1 60); do
  stored=$(inside runuser -u securaflow -- psql -h /var/lib/securaflow/collector/pg -U securaflow \
           -d securaflow -XAtc "SELECT count(*) FROM traffic_logs WHERE endpoint LIKE '/?boot=%'" 2>/dev/null || echo 0)
  [ "${stored:-0}" -ge 20 ] && break
  sleep 0.5
done
kill "$web" 2>/dev/null; wait "$web" 2>/dev/null
check "20 requests on lo stored through the sensor and collector units (stored: $stored)" test "${stored:-0}" -ge 20

token=$(inside securaflow-collector token create web-02 2>/dev/null)
check "'securaflow-collector token create' as root next to the running service" bash -c "[[ '$token' == sfi_* ]]"
pw=$(head -c 12 /dev/urandom | base64 | tr '+/' '-_')
printf '%s\n' "$pw" | inside securaflow-collector user add operator --role admin \
  --email operator@example.com >/dev/null 2>"$root/tmp/useradd.err"
check "'securaflow-collector user add' as root (password on standard input)" test $? = 0 \
  || cat "$root/tmp/useradd.err"
login=$(printf '%s' "$pw" | in_net curl -s -o /dev/null -w '%{http_code}' \
        --data-urlencode username=operator --data-urlencode "password@-" \
        http://127.0.0.1:8080/api/auth/login)
check "the running service logs that account in (HTTP $login)" test "$login" = 200
for unit_score in securaflow-collector.service:1.8 securaflow-sensor@lo.service:2.4; do
  unit=${unit_score%%:*} max=${unit_score##*:}
  score=$(inside systemd-analyze security "$unit" 2>/dev/null | sed -nE 's/.*Overall exposure level for .*: ([0-9.]+).*/\1/p')
  check "$unit running: exposure ${score:-?} (at most $max)" awk -v s="${score:-99}" -v m="$max" 'BEGIN { exit !(s <= m) }'
done
check "no error in the collector's journal" \
  bash -c "! nsenter -t $leader -m -p -- journalctl -u securaflow-collector.service --no-pager -o cat | grep -q '\"level\":\"error\"'"
inside systemctl stop securaflow-collector.service securaflow-sensor@lo.service
check "systemctl stop: the collector exits cleanly (Result=success, status 0)" \
  test "$(inside systemctl show -p Result -p ExecMainStatus --value securaflow-collector.service | tr '\n' ' ')" = "success 0 "
check "poweroff stops the container" poweroff
trap - EXIT
exit $((failed > 0))
