#!/bin/bash
# Several collectors behind HAProxy, figures for issue 12, side by side in one run on one
# throwaway PostgreSQL (each phase on its own fresh database):
#   one       RECORDS through one collector, senders connected to it directly;
#   one+lb    the same through HAProxy in front of that one collector (HAProxy's cost);
#   two+lb    the same through HAProxy in front of two collectors (round robin);
#             the three alternate ROUNDS times (default 2) and each one's best is kept;
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
    SECURAFLOW_TOKEN="$token" "$scratch/ingest_load" --port "$port" --records "$per" --batch "$BATCH" \
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
  rm -f "$scratch"/load-"$name"*.out
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
  local pgs ccpu=0
  pgs=$(awk -v a="$pg0" -v b="$(pg_cpu)" 'BEGIN { printf "%.1f", b - a }')
  ccpu=$(sed -E 's/collector-[a-z] ([0-9.]+) s,/\1 /g' <<<"$cpus" | awk '{ for (i = 1; i <= NF; i++) t += $i } END { print t }')
  printf '%-9s %8s records/s  (%s s, %s stored; CPU per record: collectors %.1f us, postgres %.1f us; CPU:%s postgres %s s' \
    "$name" "$rps" "$secs" "$stored" "$(awk -v c="$ccpu" -v n="$RECORDS" 'BEGIN { print c * 1e6 / n }')" \
    "$(awk -v c="$pgs" -v n="$RECORDS" 'BEGIN { print c * 1e6 / n }')" "$cpus" "$pgs"
  [ -n "${mc_haproxy:-}" ] && printf ', haproxy %s s' \
    "$(awk -v a="$lb0" -v b="$(cpu_of "$mc_haproxy")" 'BEGIN { printf "%.1f", b - a }')"
  printf ' of %s s x %d cores; longest batch %s s)\n' "$secs" "$(nproc)" \
    "$(sed -nE 's/.* max_batch_s=([0-9.]+).*/\1/p' "$scratch"/load-"$name"*.out | sort -g | tail -n 1)"
}

stop_all() { for n in "$@"; do mc_stop "$n" >/dev/null 2>&1; done; [ -n "${mc_haproxy:-}" ] && kill "$mc_haproxy" 2>/dev/null; wait "${mc_haproxy:-0}" 2>/dev/null; mc_haproxy=; }

# --- throughput: the three set-ups, alternated ROUNDS times (the machine's other load
# drifts; each set-up's best round is kept) --------------------------------------------------
setup() { # one | one+lb | two+lb: fresh database, collectors, HAProxy; prints the port to use
  local name=$1
  fresh_db "sf_${name//+/_}_$round"
  mc_start_collector a "${opts[@]}"; mc_wait_collector a || exit 1
  if [ "$name" = two+lb ]; then mc_start_collector b "${opts[@]}"; mc_wait_collector b || exit 1; fi
  case $name in
    one) port=${mc_port[a]} ;;
    one+lb) mc_start_haproxy a >/dev/null || exit 1; port=$mc_front ;;
    two+lb) mc_start_haproxy a b >/dev/null || exit 1; port=$mc_front ;;
  esac
  token=$(mc_token bench)
}
declare -A best
for round in $(seq 1 "${ROUNDS:-2}"); do
  for name in one one+lb two+lb; do
    setup "$name"
    if [ "$name" = two+lb ]; then phase "$name" "$port" a b; else phase "$name" "$port" a; fi
    [ "${rps:-0}" -gt "${best[$name]:-0}" ] && best[$name]=$rps
    if [ "$name" = two+lb ] && [ "$round" = 1 ]; then
      bytes=$(psql "$mc_url" -XAtqc "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'traffic_logs'::regclass")
      echo "storage: $((bytes / RECORDS)) bytes per raw record in traffic_logs (table and indexes)"
    fi
    if [ "$name" = two+lb ]; then stop_all a b; else stop_all a; fi
  done
done
echo "best of ${ROUNDS:-2}: one ${best[one]}, one+lb ${best[one+lb]}, two+lb ${best[two+lb]} records/s;"\
" two+lb / one = $(awk -v a="${best[two+lb]}" -v b="${best[one]}" 'BEGIN { printf "%.2f", a / b }'),"\
" one+lb / one = $(awk -v a="${best[one+lb]}" -v b="${best[one]}" 'BEGIN { printf "%.2f", a / b }')"

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
echo "  (mc_failover_report: probe answers in the 10 s before the kill, and the requests in flight at the kill or sent within 10 s after it)"
echo "collector b's model version before the kill $vb_before, after $(model_b); session and probe token still accepted by b: $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $jwt" "http://127.0.0.1:${mc_port[b]}/api/model")"
stop_all a b
