#!/bin/bash
# Live capture on a VLAN trunk: HTTP exchanges in untagged, 802.1Q and QinQ frames are
# sent over a veth pair between two network namespaces made for this test; the sensor
# (sanitizer build) captures on the receiving end with its default filter (built from
# --ports) and with --filter tcp, and must report all three. Skipped (77) where network
# namespaces cannot be made (no root, no CAP_NET_ADMIN).
set -uo pipefail
src=${SF_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${SF_BIN:-$src/build-asan/bin}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-vlan-XXXXXX")
ns_a=sf-vlan-a-$$ ns_b=sf-vlan-b-$$
sensor_pid=
cleanup() {
  [ -n "$sensor_pid" ] && kill "$sensor_pid" 2>/dev/null
  ip netns del "$ns_a" 2>/dev/null
  ip netns del "$ns_b" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
if ! { ip netns add "$ns_a" && ip netns add "$ns_b" &&
       ip link add sfv-a-$$ type veth peer name sfv-b-$$ &&
       ip link set sfv-a-$$ netns "$ns_a" && ip link set sfv-b-$$ netns "$ns_b" &&
       ip -n "$ns_a" link set sfv-a-$$ up && ip -n "$ns_b" link set sfv-b-$$ up; } 2>/dev/null; then
  echo "cannot make network namespaces here"; exit 77
fi
python3 "$src/tests/pcap/make_fidelity.py" "$work/caps" || exit 1
peer_mac=$(ip -n "$ns_b" -o link show sfv-b-$$ | sed -E 's/.*link\/ether ([0-9a-f:]+).*/\1/')
pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; fail=$((fail + 1)); fi; }

capture() { # label sensor-flags...
  local label=$1; shift
  ip netns exec "$ns_b" "$bin/securaflow-sensor" -i sfv-b-$$ -w "$work/$label.jsonl" "$@" \
    2>"$work/$label.log" &
  sensor_pid=$!
  for _ in $(seq 100); do grep -q 'capturing on' "$work/$label.log" && break; sleep 0.1; done
  ip netns exec "$ns_a" python3 "$src/tests/pcap/send_frames.py" sfv-a-$$ "$peer_mac" \
    "$work/caps/untagged.pcap" "$work/caps/vlan1.pcap" "$work/caps/qinq.pcap"
  sleep 0.5
  kill -INT "$sensor_pid"; wait "$sensor_pid"
  check "$label: clean exit" [ $? = 0 ]
  sensor_pid=
  check "$label: no sanitizer report" [ "$(grep -c -E 'Sanitizer|runtime error:' "$work/$label.log")" = 0 ]
  for path in /plain /vlan /qinq; do
    check "$label: $path reported with its status" grep -q "\"url.original\":\"$path\".*\"http.response.status_code\":200" "$work/$label.jsonl"
  done
}
capture default --ports 80,8080
capture filter-tcp --filter tcp
echo "checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
