#!/bin/bash
# Several collectors behind HAProxy, figures for issue 12, side by side in one run on one
# throwaway PostgreSQL (each phase on its own fresh database):
#   one       RECORDS through one collector, senders connected to it directly;
#   one+lb    the same through HAProxy in front of that one collector (HAProxy's cost);
#   two+lb    the same through HAProxy in front of two collectors (round robin);
#   failover  RECORDS from SENDERS senders (retrying ingest_load, 1 s backoff cap) and a
#             probe of one-record batches through HAProxy to two collectors; collector a
#             is killed with kill -9 when 40 % are stored and started again 2 s later.
#             Checked: every acknowledged record stored exactly once, each sender's
#             longest wait for one batch, the probe's time from the kill to its next
#             acknowledged record through b; the other collector's model and tokens.
# Prints one line per phase and the CPU seconds each process used (what limits it).
#
# Environment: SF_BIN_FAST (normal build, default build/bin), RECORDS (1000000), BATCH
# (5000), CONNS (8 connections over all senders), SENDERS (4), WORKERS (--ingest-workers
# per collector, 2), KEEP=1 keeps the scratch directory.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export SF_BIN=${SF_BIN_FAST:-$root/build/bin}
RECORDS=${RECORDS:-1000000} BATCH=${BATCH:-5000} CONNS=${CONNS:-8} SENDERS=${SENDERS:-4}
WORKERS=${WORKERS:-2}
. "$root/tests/integration/lib.bash"
. "$root/tests/integration/multi_collector_lib.bash"
[ -n "${KEEP:-}" ] && trap 'for h in "${cleanup_hooks[@]}"; do eval "$h"; done; echo "kept $scratch"' EXIT
command -v haproxy >/dev/null || { echo "haproxy not found (apt-get install haproxy)"; exit 1; }
cc -O2 -std=c11 -Wall -Wextra -Werror -pthread "$root/tests/bench/ingest_load.c" \
  -o "$scratch/ingest_load" -lz || exit 1
opts=(--ingest-workers "$WORKERS" --auto-train-rows 0 --rate-limit 0 --login-rate-limit 0)
echo "== $(date -u +%FT%TZ) $(nproc) cores; RECORDS=$RECORDS BATCH=$BATCH CONNS=$CONNS WORKERS=$WORKERS; $(haproxy -v | head -n 1)"
mc_start_pg -c fsync=on -c synchronous_commit=on >/dev/null || { echo "PostgreSQL did not start"; exit 1; }
base_url=$mc_url
pg_pid=$(head -n 1 "$scratch/pg/data/postmaster.pid")

cpu_of() { # pid: user+system CPU seconds of the process and its children so far
  awk '{ printf "%.1f", ($14 + $15 + $16 + $17) / 100 }' "/proc/$1/stat" 2>/dev/null || echo "?"
}
pg_cpu() { # all server processes: sum over the postmaster's children
  local total=0 p
  for p in $(pgrep -P "$pg_pid") "$pg_pid"; do
    total=$(awk -v t="$total" '{ printf "%.1f", t + ($14 + $15) / 100 }' "/proc/$p/stat" 2>/dev/null || echo "$total")
  done
  echo "$total"
}

fresh_db() { # name: a new database; collectors started after this use it
  psql "$base_url" -XAtqc "CREATE DATABASE $1" >/dev/null
  mc_url=${base_url/dbname=postgres/dbname=$1}
}

load() { # port prefix records conns [extra]: runs senders, prints their summary lines
  local port=$1 prefix=$2 records=$3 conns=$4; shift 4
  local per=$((records / SENDERS)) c=$(( (conns + SENDERS - 1) / SENDERS )) pids=() i
  for i in $(seq 1 "$SENDERS"); do
    "$scratch/ingest_load" --port "$port" --token "$token" --records "$per" --batch "$BATCH" \
      --conns "$c" --prefix "$prefix$i" --give-up 300 "$@" --acked-file "$scratch/acked-$prefix$i" \
      >"$scratch/load-$prefix$i.out" 2>&1 &
    pids+=($!)
  done
  local rc=0
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || rc=1; done
  return $rc
}

phase() { # name port collectors...: one throughput phase, prints records/s and CPU
  local name=$1 port=$2; shift 2
  local c0=() n pg0 lb0 t0 t1
  for n in "$@"; do c0+=("$(cpu_of "${mc_pid[$n]}")"); done
  pg0=$(pg_cpu); lb0=$( [ -n "${mc_haproxy:-}" ] && cpu_of "$mc_haproxy" || echo 0)
  t0=$(date +%s.%N)
  load "$port" "$name" "$RECORDS" "$CONNS" || echo "  (a sender failed)"
  t1=$(date +%s.%N)
  rps=$(awk -v n="$RECORDS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
  local i=0 cpus=""
  for n in "$@"; do
    cpus="$cpus collector-$n $(awk -v a="${c0[$i]}" -v b="$(cpu_of "${mc_pid[$n]}")" 'BEGIN { printf "%.1f", b - a }') s,"
    i=$((i + 1))
  done
  local secs stored
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  stored=$(psql "$mc_url" -XAtqc "SELECT count(*) FROM traffic_logs")
  printf '%-9s %8s records/s  (%s s, %s stored; CPU:%s postgres %s s' "$name" "$rps" "$secs" \
    "$stored" "$cpus" "$(awk -v a="$pg0" -v b="$(pg_cpu)" 'BEGIN { printf "%.1f", b - a }')"
  [ -n "${mc_haproxy:-}" ] && printf ', haproxy %s s' \
    "$(awk -v a="$lb0" -v b="$(cpu_of "$mc_haproxy")" 'BEGIN { printf "%.1f", b - a }')"
  printf ' of %s s x %d cores)\n' "$secs" "$(nproc)"
}

stop_all() { for n in "$@"; do mc_stop "$n" >/dev/null 2>&1; done; [ -n "${mc_haproxy:-}" ] && kill "$mc_haproxy" 2>/dev/null; wait "${mc_haproxy:-0}" 2>/dev/null; mc_haproxy=; }

# --- one collector, direct -----------------------------------------------------------------
fresh_db sf_one
mc_start_collector a "${opts[@]}"; mc_wait_collector a || exit 1
token=$(mc_token bench)
phase one "${mc_port[a]}" a
r_one=$rps
# --- one collector behind HAProxy ----------------------------------------------------------
stop_all a
fresh_db sf_onelb
mc_start_collector a "${opts[@]}"; mc_wait_collector a || exit 1
mc_start_haproxy a >/dev/null || exit 1
token=$(mc_token bench)
phase one+lb "$mc_front" a
r_onelb=$rps
# --- two collectors behind HAProxy ---------------------------------------------------------
stop_all a
fresh_db sf_two
mc_start_collector a "${opts[@]}"; mc_start_collector b "${opts[@]}"
mc_wait_collector a && mc_wait_collector b || exit 1
mc_start_haproxy a b >/dev/null || exit 1
token=$(mc_token bench)
phase two+lb "$mc_front" a b
r_two=$rps
echo "ratios: two+lb / one = $(awk -v a="$r_two" -v b="$r_one" 'BEGIN { printf "%.2f", a / b }'),"\
" one+lb / one = $(awk -v a="$r_onelb" -v b="$r_one" 'BEGIN { printf "%.2f", a / b }')"
stop_all a b

# --- failover: kill -9 of a under load -----------------------------------------------------
fresh_db sf_failover
rm -f "$scratch"/acked-*
fo_opts=(--ingest-workers "$WORKERS" --rate-limit 0 --login-rate-limit 0)   # auto-training on
mc_start_collector a "${fo_opts[@]}"; mc_start_collector b "${fo_opts[@]}"
mc_wait_collector a && mc_wait_collector b || exit 1
mc_start_haproxy a b >/dev/null || exit 1
token=$(mc_token bench)
jwt=$(PYTHONPATH="$root/tests/integration" python3 -c \
  'import sys, collector_api_lib as l; print(l.token_for("admin"))' "http://127.0.0.1:$mc_front")
mc_start_probe "$(mc_token probe)"
model_b() { curl -s -H "Authorization: Bearer $jwt" "http://127.0.0.1:${mc_port[b]}/api/model" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'; }
t0=$(date +%s.%N)
load "$mc_front" f "$RECORDS" "$CONNS" &
loader=$!
stored() { psql "$mc_url" -XAtqc "SELECT count(*) FROM traffic_logs WHERE sensor_id LIKE 'f%'"; }
while [ "$(stored)" -lt $((RECORDS * 2 / 5)) ] && kill -0 "$loader" 2>/dev/null; do sleep 0.2; done
vb_before=$(model_b)
t_kill=$(date +%s.%N)
mc_kill9 a
echo "kill -9 of collector a at $(stored) stored records"
sleep 2
mc_start_collector a "${fo_opts[@]}"
mc_wait_collector a && echo "collector a back after $(awk -v a="$t_kill" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
wait "$loader"; lrc=$?
t1=$(date +%s.%N)
sleep 1
mc_stop_probe
cat "$scratch"/load-f*.out
n=$(stored)
dups=$(psql "$mc_url" -XAtqc "SELECT count(*) - count(DISTINCT (sensor_id, ip_address, ts)) FROM traffic_logs WHERE sensor_id LIKE 'f%'")
cat "$scratch"/acked-f* | sort >"$scratch/acked"
psql "$mc_url" -XAtqc "SELECT batch_id FROM ingest_batches WHERE sensor_id LIKE 'f%'" | sort >"$scratch/stored"
missing=$(comm -23 "$scratch/acked" "$scratch/stored" | wc -l)
stall=$(sed -nE 's/.* max_batch_s=([0-9.]+).*/\1/p' "$scratch"/load-f*.out | sort -g | tail -n 1)
echo "failover: senders $([ $lrc = 0 ] && echo 'all acknowledged' || echo FAILED), $n of $RECORDS stored, $dups twice, $missing acknowledged batches missing; longest wait for one batch ${stall} s (retry backoff cap 1 s); $(awk -v n="$RECORDS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f records/s overall", n / (b - a) }')"
echo "failover probe (one-record batches, one after another, 20 ms apart): $(mc_failover_report "$t_kill")"
echo "collector b's model version before the kill $vb_before, after $(model_b); session and probe token still accepted by b: $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $jwt" "http://127.0.0.1:${mc_port[b]}/api/model")"
stop_all a b
