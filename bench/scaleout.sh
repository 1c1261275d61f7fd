#!/usr/bin/env bash
# Scale-out benchmark: the cost of sharing rate limits and one-time uses through Redis.
# One run measures, side by side on loopback, round-robin:
#   1. local-limits:  a rate-limited tool on an instance without redis: (in-process buckets),
#   2. redis-limits:  the same tool on an instance with redis: (one Lua script per call),
#   3. local-hooks / redis-hooks: a Standard Webhooks tool (signature + a one-time message id) with
#      a rate limit, each call a fresh message id, on both,
# and prints req/s, p50, p99, each Redis scenario's ratio to its in-process twin, the p99 it adds,
# and Redis round trips per call (Redis's own command counters over the measured rounds).
# Usage: bench/scaleout.sh [duration_seconds=10] [connections=32] [warmup_seconds=5]
#   BENCH_ROUNDS=N   rounds, round-robin, median shown (default 3)
# Needs: wrk, curl, redis-server, redis-cli, a JDK. Starts its own Redis on a spare port.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-10}
CONNS=${2:-32}
WARMUP=${3:-5}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=2
JAVA=${BENCH_JAVA:-java}
LOCAL_PORT=${BENCH_LOCAL_PORT:-18081}
REDIS_GW_PORT=${BENCH_REDIS_GW_PORT:-18082}
UP_PORT=${BENCH_UP_PORT:-19091}
REDIS_PORT=${BENCH_REDIS_PORT:-16390}

for tool in wrk curl redis-server redis-cli; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }; done
[[ -f toolgate-server/target/toolgate.jar ]] || mvn -q -B -DskipTests package
JAR=toolgate-server/target/toolgate.jar
WORK=$(mktemp -d /tmp/toolgate-scaleout.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" > "$WORK/redis.log" 2>&1 & pids+=($!)

config() { # dir port [redis section]
  mkdir -p "$1"
  cat > "$1/toolgate.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $2
$3
failed_auth_limit: off
platforms:
  hooks: {}
tools:
  - name: limited
    method: POST
    path: /echo/limited
    upstream: "http://127.0.0.1:$UP_PORT"
    policy: { anonymous: true }
    rate_limits:
      - { per: [ip], limit: 1000000000, period: 1s }     # charged on every call, never empty
  - name: hooks
    platform: hooks
    method: POST
    path: /echo/hooks
    upstream: "http://127.0.0.1:$UP_PORT"
    policy: { require: [standard_webhooks] }
    rate_limits:
      - { per: [client], limit: 1000000000, period: 1s }
YAML
}
config "$WORK/local" "$LOCAL_PORT" ""
config "$WORK/redis" "$REDIS_GW_PORT" "redis:
  url: redis://127.0.0.1:$REDIS_PORT"

bench_body "$WORK/body.json"
SECRET="whsec_$(printf 'bench webhook secret, 32 bytes!!' | base64)"
for d in local redis; do
  "$JAVA" -jar "$JAR" client create hooks --platform hooks --config "$WORK/$d/toolgate.yaml" >/dev/null
  printf '%s' "$SECRET" | "$JAVA" -jar "$JAR" secret add --client hooks --from-stdin --config "$WORK/$d/toolgate.yaml" >/dev/null
done

# Pre-signed messages, each id used once: enough for every run at well over the measured rate.
MESSAGES=${BENCH_WEBHOOK_MESSAGES:-1500000}
python3 - "$WORK/body.json" "$SECRET" "$MESSAGES" "$WORK/webhooks.txt" <<'PY'
import base64, hashlib, hmac, sys, time
body = open(sys.argv[1], "rb").read()
key = base64.b64decode(sys.argv[2][len("whsec_"):])
ts = str(int(time.time()))
with open(sys.argv[4], "w") as out:
    for i in range(int(sys.argv[3])):
        mid = "msg_%d" % i
        sig = base64.b64encode(hmac.new(key, (mid + "." + ts + ".").encode() + body, hashlib.sha256).digest()).decode()
        out.write("%s %s v1,%s\n" % (mid, ts, sig))
PY
"$JAVA" -jar "$JAR" sample-upstream --port "$UP_PORT" > "$WORK/upstream.log" 2>&1 & pids+=($!)
"$JAVA" ${TOOLGATE_JAVA_OPTS:-} -jar "$JAR" serve --config "$WORK/local/toolgate.yaml" > "$WORK/local.log" 2>&1 & pids+=($!); LOCAL_PID=$!
"$JAVA" ${TOOLGATE_JAVA_OPTS:-} -jar "$JAR" serve --config "$WORK/redis/toolgate.yaml" > "$WORK/redis-gw.log" 2>&1 & pids+=($!); REDIS_GW_PID=$!
for port in $LOCAL_PORT $REDIS_GW_PORT; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
done

export BENCH_BODY_FILE="$WORK/body.json" BENCH_WEBHOOK_FILE="$WORK/webhooks.txt" BENCH_THREADS="$THREADS"
OFFSET=0
run_wrk() { # script seconds url [--latency] -> $WORK/wrk.out; the webhook lines it used are skipped by later runs
  BENCH_WEBHOOK_OFFSET=$OFFSET wrk -t"$THREADS" -c"$CONNS" -d"$2s" ${4:-} -s "$1" "$3" > "$WORK/wrk.out"
  local total; total=$(sed -n 's/^BENCH.*total=\([0-9]*\).*/\1/p' "$WORK/wrk.out")
  # Threads take every THREADS-th line and may not send exactly as many each: a margin for that.
  if [[ "$1" == *webhook.lua ]]; then OFFSET=$((OFFSET + total + total / 5 + 2 * CONNS)); fi
}
script_for() { [[ "$1" == *hooks ]] && echo bench/webhook.lua || echo bench/post.lua; }
url_for() {
  case "$1" in
    local-*) echo "http://127.0.0.1:$LOCAL_PORT/echo/${1#local-}" ;;
    redis-*) echo "http://127.0.0.1:$REDIS_GW_PORT/echo/${1#redis-}" ;;
  esac
}
SCENARIOS=(local-limited redis-limited local-hooks redis-hooks)
for s in "${SCENARIOS[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' --data-binary @"$WORK/body.json" "$(url_for "$s")")
  [[ "$s" == *hooks || "$code" == 2* ]] || { echo "$s: sanity request answered $code" >&2; exit 1; }
  run_wrk "$(script_for "$s")" "$WARMUP" "$(url_for "$s")"
done
# Round trips: the commands Toolgate sends (scripts); commands a script runs inside Redis are not round trips.
scripts() { redis-cli -p "$REDIS_PORT" info commandstats | awk -F'[=,:]' '/^cmdstat_(evalsha|eval):/{n+=$3} END{print n+0}'; }
# CPU seconds Redis has used so far (its INFO cpu).
redis_cpu() { redis-cli -p "$REDIS_PORT" info cpu | awk -F: '/^used_cpu_(sys|user):/{n+=$2} END{printf "%.3f", n}'; }
gw_pid_for() { [[ "$1" == local-* ]] && echo "$LOCAL_PID" || echo "$REDIS_GW_PID"; }
all_rounds=""
redis_requests=0
redis_commands=0
declare -A cpu_calls cpu_gw cpu_redis
for _ in $(seq 1 "$ROUNDS"); do
  for s in "${SCENARIOS[@]}"; do
    before=$(scripts); gw_before=$(cpu_of "$(gw_pid_for "$s")"); redis_before=$(redis_cpu)
    run_wrk "$(script_for "$s")" "$DURATION" "$(url_for "$s")" --latency
    line=$(grep '^BENCH' "$WORK/wrk.out")
    after=$(scripts); gw_after=$(cpu_of "$(gw_pid_for "$s")"); redis_after=$(redis_cpu)
    total=$(echo "$line" | sed -n 's/.*total=\([0-9]*\).*/\1/p')
    cpu_calls[$s]=$(( ${cpu_calls[$s]:-0} + total ))
    cpu_gw[$s]=$(awk -v a="${cpu_gw[$s]:-0}" -v b="$gw_before" -v c="$gw_after" 'BEGIN{printf "%.3f", a + c - b}')
    cpu_redis[$s]=$(awk -v a="${cpu_redis[$s]:-0}" -v b="$redis_before" -v c="$redis_after" 'BEGIN{printf "%.3f", a + c - b}')
    all_rounds+="$s ${line#BENCH }"$'\n'
    if [[ "$s" == redis-* ]]; then
      redis_requests=$((redis_requests + total)); redis_commands=$((redis_commands + after - before))
    fi
  done
done
echo
echo "Toolgate scale-out benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), $(redis-server --version | cut -d' ' -f3)"
echo "wrk -t$THREADS -c$CONNS -d${DURATION}s (after ${WARMUP}s warm-up each), 512 B JSON POST, keep-alive, loopback, $ROUNDS round(s) round-robin, median shown"
echo
printf '| %-14s | %10s | %8s | %8s | %-26s |\n' scenario "req/s" "p50 ms" "p99 ms" "Redis / in-process"
printf '|%s|%s|%s|%s|%s|\n' "----------------" "------------" "----------" "----------" "----------------------------"
for s in "${SCENARIOS[@]}"; do
  m=$(median_round "$s")
  rps=$(field rps "$m"); p50=$(field p50_ms "$m"); p99=$(field p99_ms "$m"); non2xx=$(field non2xx "$m")
  ratio=""
  if [[ "$s" == redis-* ]]; then
    base=$(median_round "local-${s#redis-}")
    ratio="$(awk -v a="$rps" -v b="$(field rps "$base")" 'BEGIN{printf "%.2f", a/b}') (p99 +$(awk -v a="$p99" -v b="$(field p99_ms "$base")" 'BEGIN{printf "%.2f", a-b}') ms)"
  fi
  printf '| %-14s | %10s | %8s | %8s | %-26s |\n' "$s" "$rps" "$p50" "$p99" "$ratio$( [[ "$non2xx" != 0 ]] && echo " ($non2xx non-2xx!)")"
done
echo
echo "Redis round trips per call through the Redis instance: $(awk -v c="$redis_commands" -v r="$redis_requests" 'BEGIN{printf "%.2f", c/r}') ($redis_commands scripts for $redis_requests calls)"
echo
echo "CPU per call over all rounds (from /proc and Redis's INFO cpu; independent of how the 2 cores were shared):"
for s in "${SCENARIOS[@]}"; do
  printf '  %-14s Toolgate %6.1f us' "$s" "$(awk -v c="${cpu_gw[$s]}" -v n="${cpu_calls[$s]}" 'BEGIN{print c * 1e6 / n}')"
  [[ "$s" == redis-* ]] && printf ', Redis %5.1f us' "$(awk -v c="${cpu_redis[$s]}" -v n="${cpu_calls[$s]}" 'BEGIN{print c * 1e6 / n}')"
  echo
done
if [[ "$ROUNDS" -gt 1 ]]; then echo; echo "every round:"; echo -n "$all_rounds"; fi
