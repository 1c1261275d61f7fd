#!/usr/bin/env bash
# Durable audit against async, Sendbird-signed tool call: bench/run.sh's `signed` scenario (512 B
# POST through Toolgate, keep-alive, loopback) with audit.durability durable and then async, the two
# alternating ROUNDS times so that load drifting on a shared machine hits both alike. Prints each
# round, the median round of each mode, durable's req/s as a ratio of async's and the p99 it adds.
# Usage: bench/durability.sh [rounds=3] [duration=20] [connections=32] [warmup=10]
# Needs what bench/run.sh needs (wrk, curl, a JDK, the built jar).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
DURATION=${2:-20}
CONNS=${3:-32}
WARMUP=${4:-10}
lines=""
for r in $(seq 1 "$ROUNDS"); do
  for mode in durable async; do
    row=$(BENCH_ONLY=signed BENCH_AUDIT_DURABILITY=$mode bash bench/run.sh "$DURATION" "$CONNS" "$WARMUP" | grep -E '^\| signed ')
    rps=$(echo "$row" | awk -F'|' '{gsub(/ /,"",$3); print $3}')
    p50=$(echo "$row" | awk -F'|' '{gsub(/ /,"",$4); print $4}')
    p99=$(echo "$row" | awk -F'|' '{gsub(/ /,"",$5); print $5}')
    echo "round $r $mode: $rps req/s, p50 $p50 ms, p99 $p99 ms ($(date -u +%T) UTC)"
    lines+="$mode $rps $p50 $p99"$'\n'
  done
done
median_of() { # MODE: the line of that mode's median round (by req/s)
  echo -n "$lines" | awk -v m="$1" '$1==m' | sort -k2 -n | sed -n "$(( (ROUNDS + 1) / 2 ))p"
}
d=$(median_of durable); a=$(median_of async)
echo
echo "audit durability, signed tool call — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, commit $(git rev-parse --short HEAD)"
echo "bench/durability.sh $ROUNDS $DURATION $CONNS $WARMUP: wrk -c$CONNS -d${DURATION}s after ${WARMUP}s warm-up, $ROUNDS rounds alternating, median shown"
echo
echo "| audit.durability | req/s | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|"
echo "$d" | awk '{printf "| durable | %s | %s | %s |\n", $2, $3, $4}'
echo "$a" | awk '{printf "| async | %s | %s | %s |\n", $2, $3, $4}'
echo
awk -v d="$d" -v a="$a" 'BEGIN{split(d,x," "); split(a,y," ");
  printf "durable / async: %.2f x req/s; p99 added: %+.2f ms; p50 added: %+.2f ms\n", x[2]/y[2], x[4]-y[4], x[3]-y[3]}'
