#!/usr/bin/env bash
# Toolgate against nginx, side by side on loopback, round-robin (issue 11). One run measures:
#   direct       the sample upstream, without a proxy
#   nginx        Debian's nginx as a plain proxy_pass, with a keep-alive pool to the same upstream (the baseline)
#   anonymous    Toolgate forwarding to a tool that declares anonymous access
#   signed       Toolgate, a Sendbird-signed 512 B POST
#   bearer       Toolgate, a static bearer token
#   full-policy  Toolgate, signature + user binding + ownership + a rate limit
#   nginx-auth   nginx auth_request asking Toolgate's decision API about a static token
#                (docs/examples/nginx-auth-request.conf as shipped, only its addresses changed)
# and prints req/s, p50, p99, each ratio to nginx's plain proxy (and p99 ratio), and the CPU time
# per request of the proxies (Toolgate's JVM, nginx's workers; from /proc), so a result does not
# depend only on how the two cores were shared.
# Usage: bench/nginx.sh [duration_seconds=10] [connections=32] [warmup_seconds=5]
#   BENCH_ROUNDS=N   rounds, round-robin, median round shown (default 3)
#   BENCH_NGINX_WORKERS=N  nginx worker processes (default auto: one per core)
#   BENCH_ONLY=anonymous,signed  run only these scenarios (nginx, the baseline, is always run)
#   BENCH_JAR=FILE   measure another build of Toolgate (default: toolgate-server/target/toolgate.jar)
# Needs: wrk, curl, a JDK, python3; installs Debian's nginx-light when nginx is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-10}
CONNS=${2:-32}
WARMUP=${3:-5}
ROUNDS=${BENCH_ROUNDS:-3}
WORKERS=${BENCH_NGINX_WORKERS:-auto}
THREADS=2
JAVA=${BENCH_JAVA:-java}
GW_PORT=18110
UP_PORT=19110
NGINX_PORT=18111
NGINX_AUTH_PORT=18112
NGINX=/usr/sbin/nginx

for tool in wrk curl python3; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }; done
if ! [[ -x $NGINX ]]; then
  (apt-get install -y -qq nginx-light >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nginx-light) >/dev/null 2>&1) \
    || { echo "nginx could not be installed (apt-get install nginx-light)" >&2; exit 1; }
fi
[[ -n ${BENCH_JAR:-} || -f toolgate-server/target/toolgate.jar ]] || mvn -q -B -DskipTests package
JAR=${BENCH_JAR:-toolgate-server/target/toolgate.jar}
WORK=$(mktemp -d /tmp/toolgate-nginx.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$WORK"/nginx-*/nginx.pid; do [[ -f "$f" ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

source bench/proxy-setup.sh
proxy_setup

nginx_conf() { # dir, server block
  mkdir -p "$1"
  cat > "$1/nginx.conf" <<NGINX
daemon on;
worker_processes $WORKERS;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $1/body; proxy_temp_path $1/proxy; fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi; scgi_temp_path $1/scgi;
$2
}
NGINX
  "$NGINX" -p "$1" -c "$1/nginx.conf"
}
nginx_conf "$WORK/nginx-plain" "
  upstream tools { server 127.0.0.1:$UP_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_pass http://tools; }
  }"
nginx_conf "$WORK/nginx-auth" "$(sed -e "s/127.0.0.1:8080/127.0.0.1:$GW_PORT/" -e "s/127.0.0.1:9000/127.0.0.1:$UP_PORT/" \
  -e "s/listen 80;/listen 127.0.0.1:$NGINX_AUTH_PORT;/" docs/examples/nginx-auth-request.conf)"

start_upstream_and_gateway

# The /proc/*/stat files of nginx's worker processes.
nginx_stats() { for d in "$@"; do pgrep -P "$(cat "$d/nginx.pid")" | sed 's|.*|/proc/&/stat|'; done; }
proxy_cpu() { # scenario -> CPU seconds of the proxies it goes through
  case "$1" in
    direct) echo 0 ;;
    nginx) cpu_of_stats $(nginx_stats "$WORK/nginx-plain") ;;
    nginx-auth) awk -v a="$(cpu_of_stats $(nginx_stats "$WORK/nginx-auth"))" -v b="$(cpu_of "$GW_PID")" 'BEGIN{printf "%.3f", a + b}' ;;
    *) cpu_of "$GW_PID" ;;
  esac
}

export BENCH_BODY_FILE="$WORK/body.json"
GW=http://127.0.0.1:$GW_PORT
SCENARIOS=(
  "direct|http://127.0.0.1:$UP_PORT/echo/direct|"
  "nginx|http://127.0.0.1:$NGINX_PORT/echo/nginx|"
  "anonymous|$GW/echo/anon|"
  "signed|$GW/echo/signed|x-sendbird-signature: $SIG"
  "bearer|$GW/echo/bearer|authorization: Bearer $TOKEN"
  "full-policy|$GW/echo/users/u-42/full|x-sendbird-signature: $SIG"
  "nginx-auth|http://127.0.0.1:$NGINX_AUTH_PORT/echo/bearer|authorization: Bearer $TOKEN"
)
if [[ -n ${BENCH_ONLY:-} ]]; then
  kept=(); for s in "${SCENARIOS[@]}"; do n=${s%%|*}; [[ $n == nginx || ",$BENCH_ONLY," == *",$n,"* ]] && kept+=("$s"); done
  SCENARIOS=("${kept[@]}")
fi
check() {
  local hdrs=(); IFS='|' read -ra parts <<< "$3"; for p in "${parts[@]}"; do [[ -n "$p" ]] && hdrs+=(-H "$p"); done
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "${hdrs[@]}" -H 'content-type: application/json' --data-binary @"$WORK/body.json" "$2")
  [[ "$code" == 2* ]] || { echo "$1: sanity request answered $code" >&2; exit 1; }
}
each() { for s in "${SCENARIOS[@]}"; do IFS='|' read -r name url rest <<< "$s"; "$1" "$name" "$url" "$rest"; done; }
each check
warm() { BENCH_HEADERS="$3" wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s bench/post.lua "$2" >/dev/null; }
each warm
declare -A cpu calls
all_rounds=""
measure() {
  local before after line total
  before=$(proxy_cpu "$1")
  line=$(BENCH_HEADERS="$3" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s bench/post.lua "$2" | grep '^BENCH')
  after=$(proxy_cpu "$1")
  total=$(echo "$line" | sed -n 's/.*total=\([0-9]*\).*/\1/p')
  calls[$1]=$(( ${calls[$1]:-0} + total ))
  cpu[$1]=$(awk -v a="${cpu[$1]:-0}" -v b="$before" -v c="$after" 'BEGIN{printf "%.3f", a + c - b}')
  all_rounds+="$1 ${line#BENCH }"$'\n'
}
for _ in $(seq 1 "$ROUNDS"); do each measure; done
echo
echo "Toolgate against nginx — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), $("$NGINX" -v 2>&1 | cut -d' ' -f3) ($WORKERS workers)"
echo "wrk -t$THREADS -c$CONNS -d${DURATION}s (after ${WARMUP}s warm-up each), 512 B JSON POST, keep-alive, loopback, $ROUNDS round(s) round-robin, median shown"
echo
base=$(median_round nginx)
printf '| %-11s | %9s | %7s | %7s | %-14s | %-13s | %-17s |\n' scenario "req/s" "p50 ms" "p99 ms" "ratio to nginx" "p99 / nginx's" "proxy CPU/request"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "-------------" "-----------" "---------" "---------" "----------------" "---------------" "-------------------"
for s in "${SCENARIOS[@]}"; do
  name=${s%%|*}; m=$(median_round "$name")
  rps=$(field rps "$m"); p99=$(field p99_ms "$m"); non2xx=$(field non2xx "$m")
  printf '| %-11s | %9s | %7s | %7s | %-14s | %-13s | %-17s |\n' "$name" "$rps" "$(field p50_ms "$m")" "$p99" \
    "$(awk -v a="$rps" -v b="$(field rps "$base")" 'BEGIN{printf "%.2f", a/b}')$( [[ "$non2xx" != 0 ]] && echo " ($non2xx non-2xx!)")" \
    "$(awk -v a="$p99" -v b="$(field p99_ms "$base")" 'BEGIN{printf "%.2f", a/b}')" \
    "$( [[ "$name" == direct ]] && echo - || awk -v c="${cpu[$name]}" -v n="${calls[$name]}" 'BEGIN{printf "%.1f us", c * 1e6 / n}')"
done
if [[ $all_rounds == *"signed "* && $all_rounds == *"full-policy "* ]]; then
  signed=$(field rps "$(median_round signed)"); full=$(field rps "$(median_round full-policy)")
  echo
  echo "full policy / signed: $(awk -v a="$full" -v b="$signed" 'BEGIN{printf "%.2f", a/b}')"
fi
if [[ "$ROUNDS" -gt 1 ]]; then echo; echo "every round:"; echo -n "$all_rounds"; fi
