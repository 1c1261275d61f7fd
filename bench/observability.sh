#!/usr/bin/env bash
# Observability benchmark: what metrics, the access log and tracing cost the signed tool call.
# One run measures, side by side on loopback, round-robin, three gateways with the same tool:
#   1. plain:    no management port, no access log, no tracing (the baseline),
#   2. observed: management port (Prometheus metrics kept for every call) + access log in JSON to a file,
#   3. traced:   tracing on, every call sampled, spans exported over OTLP/HTTP to a local receiver
#                (nginx answering 200, or Python's http.server when nginx is absent),
#   4. traced10: the same with sample_ratio 0.1 (one call in ten recorded and exported),
# each a Sendbird-signed 512 B POST, and prints req/s, p50, p99, each one's ratio to plain, and the
# CPU per call of each gateway.
# Usage: bench/observability.sh [duration_seconds=15] [connections=32] [warmup_seconds=8]
#   BENCH_ROUNDS=N   rounds, round-robin, median shown (default 3)
# Needs: wrk, curl, a JDK; nginx (or python3) for the OTLP receiver.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-15}
CONNS=${2:-32}
WARMUP=${3:-8}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=2
JAVA=${BENCH_JAVA:-java}
PLAIN_PORT=18091
OBSERVED_PORT=18092
TRACED_PORT=18093
TRACED10_PORT=18095
MGMT_PORT=18094
UP_PORT=19095
RECV_PORT=19096

for tool in wrk curl; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }; done
[[ -f toolgate-server/target/toolgate.jar ]] || mvn -q -B -DskipTests package
JAR=toolgate-server/target/toolgate.jar
WORK=$(mktemp -d /tmp/toolgate-observability.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The OTLP receiver: accepts every export with 200 (an empty body is an empty export response).
if [[ -x /usr/sbin/nginx ]]; then
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx/nginx.conf" <<NGINX
daemon on; worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off; client_body_temp_path $WORK/nginx; client_max_body_size 64m;
  server { listen 127.0.0.1:$RECV_PORT; location / { client_body_buffer_size 16m; return 200; } }
}
NGINX
  /usr/sbin/nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
  RECEIVER=nginx
else
  python3 - "$RECV_PORT" > "$WORK/receiver.log" 2>&1 <<'PY' & pids+=($!)
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
  RECEIVER=python
fi

config() { # name port [extra sections]
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1/toolgate.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $2
failed_auth_limit: off
platforms:
  sendbird: {}
tools:
  - { name: signed, platform: sendbird, method: POST, path: /echo/signed, upstream: "http://127.0.0.1:$UP_PORT", policy: { require: [sendbird_signature] } }
$3
YAML
}
config plain "$PLAIN_PORT" ""
config observed "$OBSERVED_PORT" "management: { port: $MGMT_PORT }
access_log: { format: json, path: access.log }"
config traced "$TRACED_PORT" "tracing: { enabled: true, endpoint: \"http://127.0.0.1:$RECV_PORT\", sample_ratio: 1.0 }"
config traced10 "$TRACED10_PORT" "tracing: { enabled: true, endpoint: \"http://127.0.0.1:$RECV_PORT\", sample_ratio: 0.1 }"

bench_body "$WORK/body.json"
export BENCH_MASTER=bench-master-api-token-0123456789abcdef
for d in plain observed traced traced10; do
  "$JAVA" -jar "$JAR" client create bench --platform sendbird --config "$WORK/$d/toolgate.yaml" >/dev/null 2>&1
  echo "$BENCH_MASTER" | "$JAVA" -jar "$JAR" secret add --client bench --from-stdin --config "$WORK/$d/toolgate.yaml" >/dev/null 2>&1
done
SIG=$("$JAVA" -jar "$JAR" sign --secret-env BENCH_MASTER --body-file "$WORK/body.json")

"$JAVA" -jar "$JAR" sample-upstream --port "$UP_PORT" > "$WORK/upstream.log" 2>&1 & pids+=($!)
declare -A GW_PID
for d in plain observed traced traced10; do
  "$JAVA" ${TOOLGATE_JAVA_OPTS:-} -jar "$JAR" serve --config "$WORK/$d/toolgate.yaml" > "$WORK/$d.log" 2>&1 & pids+=($!); GW_PID[$d]=$!
done
port_of() { case "$1" in plain) echo "$PLAIN_PORT" ;; observed) echo "$OBSERVED_PORT" ;; traced) echo "$TRACED_PORT" ;; traced10) echo "$TRACED10_PORT" ;; esac; }
for d in plain observed traced traced10; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$(port_of "$d")/readyz" >/dev/null && break; sleep 0.2; done
done

export BENCH_BODY_FILE="$WORK/body.json" BENCH_HEADERS="x-sendbird-signature: $SIG"
url_of() { echo "http://127.0.0.1:$(port_of "$1")/echo/signed"; }
SCENARIOS=(plain observed traced traced10)
for s in "${SCENARIOS[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "x-sendbird-signature: $SIG" -H 'content-type: application/json' \
    --data-binary @"$WORK/body.json" "$(url_of "$s")")
  [[ "$code" == 2* ]] || { echo "$s: sanity request answered $code" >&2; cat "$WORK/$s.log" >&2; exit 1; }
  wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s bench/post.lua "$(url_of "$s")" >/dev/null
done
curl -sf "http://127.0.0.1:$MGMT_PORT/metrics" | grep -q '^toolgate_tool_calls_total' || { echo "observed: no metrics served" >&2; exit 1; }
[[ -s "$WORK/observed/access.log" ]] || { echo "observed: the access log is empty" >&2; exit 1; }

all_rounds=""
declare -A cpu calls
for _ in $(seq 1 "$ROUNDS"); do
  for s in "${SCENARIOS[@]}"; do
    before=$(cpu_of "${GW_PID[$s]}")
    line=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s bench/post.lua "$(url_of "$s")" | grep '^BENCH')
    after=$(cpu_of "${GW_PID[$s]}")
    total=$(echo "$line" | sed -n 's/.*total=\([0-9]*\).*/\1/p')
    calls[$s]=$(( ${calls[$s]:-0} + total ))
    cpu[$s]=$(awk -v a="${cpu[$s]:-0}" -v b="$before" -v c="$after" 'BEGIN{printf "%.3f", a + c - b}')
    all_rounds+="$s ${line#BENCH }"$'\n'
  done
done
echo
echo "Toolgate observability benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), OTLP receiver: $RECEIVER"
echo "wrk -t$THREADS -c$CONNS -d${DURATION}s (after ${WARMUP}s warm-up each), signed 512 B JSON POST, keep-alive, loopback, $ROUNDS round(s) round-robin, median shown"
echo
base=$(field rps "$(median_round plain)")
printf '| %-9s | %10s | %8s | %8s | %-17s | %-16s |\n' scenario "req/s" "p50 ms" "p99 ms" "ratio to plain" "CPU per call"
printf '|%s|%s|%s|%s|%s|%s|\n' "-----------" "------------" "----------" "----------" "-------------------" "------------------"
for s in "${SCENARIOS[@]}"; do
  m=$(median_round "$s")
  rps=$(field rps "$m"); non2xx=$(field non2xx "$m")
  printf '| %-9s | %10s | %8s | %8s | %-17s | %-16s |\n' "$s" "$rps" "$(field p50_ms "$m")" "$(field p99_ms "$m")" \
    "$(awk -v a="$rps" -v b="$base" 'BEGIN{printf "%.2f", a/b}')$( [[ "$non2xx" != 0 ]] && echo " ($non2xx non-2xx!)")" \
    "$(awk -v c="${cpu[$s]}" -v n="${calls[$s]}" 'BEGIN{printf "%.1f us", c * 1e6 / n}')"
done
echo
echo "access log lines written: $(wc -l < "$WORK/observed/access.log"); spans dropped by the traced gateway's queue: see its log"
grep -i "drop" "$WORK/traced.log" | head -3 || true
if [[ "$ROUNDS" -gt 1 ]]; then echo; echo "every round:"; echo -n "$all_rounds"; fi
