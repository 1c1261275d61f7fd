#!/usr/bin/env bash
# Gateway benchmark: one run measures, side by side on loopback,
#   1. the sample upstream directly (baseline),
#   2. through Toolgate to a tool that declares anonymous access,
#   3. a Sendbird-signed 512 B POST,
#   4. a static bearer token,
#   5. signature + API key,
#   6. the full agent policy: signature + user binding (the body's user_id mapped to a user) +
#      ownership (the path names the same user) + a rate limit per client and user,
# and prints requests/s, p99, each ratio to the anonymous call through Toolgate, and the full
# policy's ratio to the signature alone.
# Usage: bench/run.sh [duration_seconds=20] [connections=32] [warmup_seconds=10]
#   BENCH_ROUNDS=N   measure every scenario N times, in turn (round-robin), and report each one's
#                    median round: on a shared machine, load that drifts during the run then hits
#                    every scenario alike instead of the last ones (default 1)
#   BENCH_ONLY=a,b   only these scenarios (anonymous is always kept: it is the baseline)
#   BENCH_AUDIT_DURABILITY=durable|async   audit.durability of the gateway (default: Toolgate's, durable)
#   BENCH_AUDIT_BATCH_DELAY=DURATION       its audit.batch_delay (default: Toolgate's)
# Needs: wrk (apt-get install wrk), curl, a JDK. Bounded in time: about 6 x (warmup + duration) seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-20}
CONNS=${2:-32}
WARMUP=${3:-10}
ROUNDS=${BENCH_ROUNDS:-1}
ONLY=${BENCH_ONLY:-}
THREADS=2
JAVA=${BENCH_JAVA:-java}
GW_PORT=${BENCH_GW_PORT:-18080}
UP_PORT=${BENCH_UP_PORT:-19090}

command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
[[ -f toolgate-server/target/toolgate.jar ]] || mvn -q -B -DskipTests package
JAR=toolgate-server/target/toolgate.jar
WORK=$(mktemp -d /tmp/toolgate-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

tg() { "$JAVA" -jar "$JAR" "$@" --config "$WORK/toolgate.yaml"; }

cat > "$WORK/toolgate.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $GW_PORT
audit:
  durability: ${BENCH_AUDIT_DURABILITY:-durable}
${BENCH_AUDIT_BATCH_DELAY:+  batch_delay: $BENCH_AUDIT_BATCH_DELAY}
platforms:
  sendbird: {}
tools:
  - { name: anon, method: POST, path: /echo/anon, upstream: "http://127.0.0.1:$UP_PORT", policy: { anonymous: true } }
  - { name: signed, platform: sendbird, method: POST, path: /echo/signed, upstream: "http://127.0.0.1:$UP_PORT", policy: { require: [sendbird_signature] } }
  - { name: bearer, platform: sendbird, method: POST, path: /echo/bearer, upstream: "http://127.0.0.1:$UP_PORT", policy: { require: [static_token] } }
  - { name: signed_key, platform: sendbird, method: POST, path: /echo/signed-key, upstream: "http://127.0.0.1:$UP_PORT", policy: { require: [sendbird_signature, api_key] } }
  - name: full
    platform: sendbird
    method: POST
    path: /echo/users/{user_id}/full
    upstream: "http://127.0.0.1:$UP_PORT"
    preset: sendbird                                  # signature + user_id in body /user_id bound to a user
    owner: { path_param: user_id, is: platform_user_id }
    rate_limits:
      - { per: [client, user], limit: 1000000000, period: 1s }   # consumed on every call, never empty
YAML

# A 512-byte JSON body, as a Sendbird tool call would carry.
bench_body "$WORK/body.json"

export BENCH_MASTER=bench-master-api-token-0123456789abcdef
tg client create bench --platform sendbird >/dev/null
echo "$BENCH_MASTER" | tg secret add --client bench --from-stdin >/dev/null
TOKEN=$(tg token create --client bench | sed -n 's/^Value (shown once, store it now): //p')
KEY=$(tg apikey create --client bench --tools signed_key | sed -n 's/^Value (shown once, store it now): //p')
SIG=$("$JAVA" -jar "$JAR" sign --secret-env BENCH_MASTER --body-file "$WORK/body.json")
BENCH_USER_PASSWORD=bench-user-password tg user create u42 --password-env BENCH_USER_PASSWORD >/dev/null
tg user map u42 --platform sendbird --platform-user-id u-42 >/dev/null

"$JAVA" -jar "$JAR" sample-upstream --port "$UP_PORT" > "$WORK/upstream.log" 2>&1 & pids+=($!)
"$JAVA" ${TOOLGATE_JAVA_OPTS:-} -jar "$JAR" serve --config "$WORK/toolgate.yaml" > "$WORK/gateway.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$GW_PORT/readyz" >/dev/null && curl -sf -o /dev/null -X POST "http://127.0.0.1:$UP_PORT/echo/x" && break
  sleep 0.2
done

export BENCH_BODY_FILE="$WORK/body.json"
headers_for() { BENCH_HEADERS="$1"; export BENCH_HEADERS; }
check() { # name url headers: one request must succeed before we measure it
  local hdrs=(); IFS='|' read -ra parts <<< "$3"; for p in "${parts[@]}"; do [[ -n "$p" ]] && hdrs+=(-H "$p"); done
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "${hdrs[@]}" -H 'content-type: application/json' --data-binary @"$WORK/body.json" "$2")
  [[ "$code" == 2* ]] || { echo "$1: sanity request answered $code" >&2; exit 1; }
}
warm() { headers_for "$3"; wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s bench/post.lua "$2" >/dev/null; }
measure() {
  headers_for "$3"
  local line; line=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s bench/post.lua "$2" | grep '^BENCH')
  echo "$1 ${line#BENCH }"
}

GW=http://127.0.0.1:$GW_PORT
SCENARIOS=(
  "direct|http://127.0.0.1:$UP_PORT/echo/direct|"
  "anonymous|$GW/echo/anon|"
  "signed|$GW/echo/signed|x-sendbird-signature: $SIG"
  "bearer|$GW/echo/bearer|authorization: Bearer $TOKEN"
  "signed+key|$GW/echo/signed-key|x-sendbird-signature: $SIG|api-key: $KEY"
  "full-policy|$GW/echo/users/u-42/full|x-sendbird-signature: $SIG"
)
selected() { [[ -z "$ONLY" || "$1" == anonymous || ",$ONLY," == *",$1,"* ]]; }
each() { for s in "${SCENARIOS[@]}"; do IFS='|' read -r name url rest <<< "$s"; selected "$name" && "$1" "$name" "$url" "$rest"; done; return 0; }
each check
# Warm every path first (the JIT keeps improving for a while), then measure each in turn.
each warm
all_rounds=$(for _ in $(seq 1 "$ROUNDS"); do each measure; done)
# Per scenario, in the table's order, the round with the median req/s.
results=$(for s in "${SCENARIOS[@]}"; do name=${s%%|*}; selected "$name" && median_round "$name"; done; true)
echo
echo "Toolgate gateway benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1)"
echo "wrk -t$THREADS -c$CONNS -d${DURATION}s (after ${WARMUP}s warm-up each), 512 B JSON POST, keep-alive, loopback, $ROUNDS round(s), median shown"
echo
anon_rps=$(echo "$results" | awk '$1=="anonymous"{split($2,a,"="); print a[2]}')
printf '| %-12s | %10s | %8s | %8s | %-22s |\n' scenario "req/s" "p50 ms" "p99 ms" "ratio to anonymous"
printf '|%s|%s|%s|%s|%s|\n' "--------------" "------------" "----------" "----------" "------------------------"
echo "$results" | while read -r name rps p50 p99 non2xx total; do
  r=${rps#rps=}; printf '| %-12s | %10s | %8s | %8s | %-22s |\n' "$name" "$r" "${p50#p50_ms=}" "${p99#p99_ms=}" \
    "$(awk -v a="$r" -v b="$anon_rps" 'BEGIN{printf "%.2f", a/b}')$( [[ ${non2xx#non2xx=} != 0 ]] && echo " (${non2xx#non2xx=} non-2xx!)")"
done
signed_rps=$(echo "$results" | awk '$1=="signed"{split($2,a,"="); print a[2]}')
full_rps=$(echo "$results" | awk '$1=="full-policy"{split($2,a,"="); print a[2]}')
echo
[[ -n "$signed_rps" && -n "$full_rps" ]] && \
  echo "full policy (signature + user binding + ownership + rate limit) / signature alone: $(awk -v a="$full_rps" -v b="$signed_rps" 'BEGIN{printf "%.2f", a/b}')"
if [[ "$ROUNDS" -gt 1 ]]; then echo; echo "every round:"; echo "$all_rounds"; fi
