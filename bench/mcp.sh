#!/usr/bin/env bash
# MCP front door benchmark (issue 13), in one run, on loopback:
#   tools/call  an MCP `tools/call` of lookup_order (JSON answer) through Toolgate with an OAuth
#               access token (client credentials, `aud` the route's resource) and a per-tool policy
#               (the tool's own scope on top of the route's), against the same call through
#               Toolgate's anonymous MCP route to the same MCP server: req/s, p50, p99, Toolgate's
#               CPU per call, and secured / anonymous (issue 13: >= 0.85).
#   first SSE   the time to the first Server-Sent Event of a streamed tools/call (track_shipment
#               with a progressToken), directly against the MCP server and through Toolgate's
#               secured route (its tool has a per-client rate limit, so that policy runs too),
#               alternating, one call at a time (bench/mcp_sse.py): median and p99 of each, and of
#               what Toolgate adds (per pair, through Toolgate minus direct).
# The MCP server is the demo's sample MCP server (`toolgate sample-upstream --mcp-port`), in its
# own JVM; Toolgate runs through the ./toolgate launcher, as users start it. wrk (bench/mcp.lua)
# measures the two routes round-robin (connection count, route; the route going first alternates
# between rounds) and the median round is reported. Any answer other than a 200 with the tool's
# result fails the run. Prints a markdown table and writes it to bench/results/.
#
# Usage: bench/mcp.sh [duration_s=20] [connections=16,64] [warmup_s=10]
# Environment (all optional):
#   BENCH_ROUNDS        rounds (default 3)
#   BENCH_SSE_CALLS     measured streamed calls per path (default 500; each takes ~0.2 s, the sample
#                       server's progress interval)
#   BENCH_SSE_WARMUP    unmeasured streamed calls per path first (default 20)
#   BENCH_JAVA_HOME     JDK for Toolgate and the MCP server (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   BENCH_TG_PORT / BENCH_UP_PORT / BENCH_MCP_PORT   18093 / 19192 / 19193 (Toolgate, the sample
#                       upstream that sample-upstream always starts, the sample MCP server)
#   BENCH_CACHE         only its lock is used: one run of this or the Keycloak comparisons at a time
#                       (default ~/.cache/toolgate-bench)
#   BENCH_REV           what to call the Toolgate version in the report (default: git describe)
#   TOOLGATE_JAVA_OPTS  JVM options for Toolgate and the MCP server (replaces the launcher's defaults)
# Needs: wrk, curl, python3, Maven (only if the jar is missing: the launcher builds it). Takes about
# 1 min of set-up + 2 x warm-up + 2 x rounds x (connection counts) x duration + 2 x (SSE calls +
# SSE warm-up) x 0.2 s (9-10 min with the defaults); a watchdog ends the run at twice a generous
# bound. Everything it starts is stopped on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-20}
CONNS_ARG=${2:-16,64}
WARMUP=${3:-10}
IFS=',' read -ra CONNS <<< "$CONNS_ARG"
MAX_CONNS=$(printf '%s\n' "${CONNS[@]}" | sort -n | tail -1)
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=2
SSE_CALLS=${BENCH_SSE_CALLS:-500}
SSE_WARMUP=${BENCH_SSE_WARMUP:-20}
JAVA_HOME=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
CACHE=${BENCH_CACHE:-$HOME/.cache/toolgate-bench}
TG_PORT=${BENCH_TG_PORT:-18093}
UP_PORT=${BENCH_UP_PORT:-19192}
MCP_PORT=${BENCH_MCP_PORT:-19193}
SCOPES="mcp orders.read"

for tool in wrk curl python3; do command -v "$tool" >/dev/null || die "$tool is required (apt-get install $tool)"; done
[[ -x "$JAVA" ]] || die "no JDK at $JAVA_HOME (BENCH_JAVA_HOME)"
[[ "$DURATION" =~ ^[0-9]+$ && "$WARMUP" =~ ^[0-9]+$ && "$DURATION" -gt 0 && "$ROUNDS" =~ ^[1-9][0-9]*$ \
   && "$SSE_CALLS" =~ ^[1-9][0-9]*$ && "$SSE_WARMUP" =~ ^[0-9]+$ ]] \
  || die "usage: bench/mcp.sh [duration_s] [conns,conns] [warmup_s]; BENCH_ROUNDS, BENCH_SSE_CALLS >= 1"
for c in "${CONNS[@]}"; do [[ "$c" =~ ^[0-9]+$ ]] && (( c >= THREADS )) || die "connection counts must be numbers >= $THREADS"; done

bench_start mcp $(( 300 + 2 * (WARMUP + 60) + 2 * ROUNDS * ${#CONNS[@]} * (DURATION + 60) + 2 * (SSE_CALLS + SSE_WARMUP) ))
# shellcheck source=bench/toolgate.sh
source bench/toolgate.sh
MCP_DIRECT=http://127.0.0.1:$MCP_PORT/mcp
RESOURCE=$TG_BASE/mcp            # the secured route's resource: its tokens' aud
declare -A URL=([anon]=$TG_BASE/anon/mcp [oauth]=$RESOURCE)
declare -A TITLE=([anon]="anonymous" [oauth]="OAuth + per-tool policy")

# ---------------------------------------------------------------- set-up
setup() {
  tg_drop_stale_archive
  cat > "$WORK/toolgate.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $TG_PORT
authorization_server:
  issuer: $TG_BASE
platforms:
  bench: {}
tools:
  - name: mcp_anonymous
    path: /anon/mcp
    upstream: $MCP_DIRECT
    policy: { anonymous: true }
    mcp: {}
  - name: mcp_oauth
    path: /mcp
    upstream: $MCP_DIRECT
    policy: { require: [client_token], client_token: { scopes: [mcp] } }
    mcp:
      tools:
        lookup_order: { scopes: [orders.read] }
        track_shipment: { rate_limits: [{ per: client, limit: 100000000, period: 1h }] }
YAML
  : > "$WORK/cli.log"
  tg client create bench-mcp --platform bench >> "$WORK/cli.log" 2>&1 || { cat "$WORK/cli.log" >&2; die "toolgate client create"; }
  tg client-oauth bench-mcp --scopes "$SCOPES" >> "$WORK/cli.log" 2>&1 || { cat "$WORK/cli.log" >&2; die "toolgate client-oauth"; }
  local out
  out=$(tg client-secret create --client bench-mcp --json 2>> "$WORK/cli.log") || { cat "$WORK/cli.log" >&2; die "toolgate client-secret create"; }
  TG_CLIENT_ID=$(json_field client_id <<< "$out")
  TG_BASIC=$(basic "$TG_CLIENT_ID" "$(json_field client_secret <<< "$out")")

  port_free "$UP_PORT" || die "port $UP_PORT is in use (BENCH_UP_PORT to change)"
  port_free "$MCP_PORT" || die "port $MCP_PORT is in use (BENCH_MCP_PORT to change)"
  JAVA_HOME=$JAVA_HOME "$TOOLGATE" sample-upstream --port "$UP_PORT" --mcp-port "$MCP_PORT" > "$WORK/mcp-server.log" 2>&1 &
  MCP_PID=$!; track_pid "$MCP_PID"   # the launcher execs java
  log "Toolgate $(toolgate_rev): starting, and the sample MCP server"
  tg_start
  local deadline=$(( $(now_ms) + 120000 ))
  until curl -fs --max-time 2 -o /dev/null "$MCP_DIRECT" -H 'content-type: application/json' --data-raw '{"jsonrpc":"2.0","id":0,"method":"ping"}'; do
    kill -0 "$MCP_PID" 2>/dev/null || { cat "$WORK/mcp-server.log" >&2; die "the sample MCP server exited"; }
    (( $(now_ms) < deadline )) || die "the sample MCP server is not answering after 120 s"
    sleep 0.2
  done
  tg_wait_ready
}

# ---------------------------------------------------------------- tokens
# token SCOPES: an access token for the secured route by client credentials; sets AT and AT_EXP.
token() {
  local body
  body=$(curl -sS --max-time 10 -H "$TG_BASIC" "$TG_BASE/oauth/token" -d grant_type=client_credentials \
    --data-urlencode "resource=$RESOURCE" --data-urlencode "scope=$1") || die "token request failed"
  AT=$(json_field access_token <<< "$body" 2>/dev/null) || AT=""
  [[ -n "$AT" ]] || die "no access token for scope '$1': ${body:0:300}"
  AT_EXP=$(( $(date +%s) + $(json_field expires_in <<< "$body") ))
  python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; a=json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))["aud"]; sys.exit(a != sys.argv[2] and a != [sys.argv[2]])' \
    "$AT" "$RESOURCE" || die "the access token's aud is not $RESOURCE"
}
# A token that outlives the next run, as a client refreshes before expiry (the first use of a new
# token verifies its signature; later ones hit Toolgate's verified-token cache, as a client's do).
fresh_token() { (( $(date +%s) + $1 + 120 < ${AT_EXP:-0} )) || token "$SCOPES"; }

# ---------------------------------------------------------------- checks
call_body() { # FILE: the tools/call every wrk request sends
  printf '%s' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup_order","arguments":{"order_id":"A-1001"}}}' > "$1"
}
# post URL [curl args]: POST the lookup_order call; prints the status, the body is in $WORK/answer.
post() {
  local url=$1; shift
  curl -sS --max-time 10 -o "$WORK/answer" -D "$WORK/answer.head" -w '%{http_code}' "$url" -H 'content-type: application/json' \
    -H 'accept: application/json, text/event-stream' --data-binary "@$WORK/call.json" "$@"
}
# saw FIELD: what the MCP server says it saw of Toolgate's headers, in the answer's tool result.
saw() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["result"]; print(json.loads(r["content"][0]["text"])["upstream_saw"].get(sys.argv[2]))' "$WORK/answer" "$1"; }
# Each route answers the call, and the secured one really runs its policies: no token is 401, a
# token without the tool's scope 403, the streamed tool's answer carries its rate limit's headers;
# the MCP server sees the client and no credential.
sanity() {
  local code
  code=$(post "$MCP_DIRECT") && [[ $code == 200 ]] || die "direct: HTTP $code $(head -c 300 "$WORK/answer")"
  code=$(post "${URL[anon]}") && [[ $code == 200 && $(saw x-toolgate-tool) == mcp_anonymous ]] \
    || die "anonymous route: HTTP $code $(head -c 300 "$WORK/answer")"
  code=$(post "${URL[oauth]}") && [[ $code == 401 ]] || die "secured route without a token: HTTP $code, not 401"
  token mcp
  code=$(post "${URL[oauth]}" -H "authorization: Bearer $AT") && [[ $code == 403 ]] && grep -q insufficient_scope "$WORK/answer" \
    || die "secured route, token without orders.read: HTTP $code, not 403 insufficient_scope: $(head -c 300 "$WORK/answer")"
  token "$SCOPES"
  code=$(post "${URL[oauth]}" -H "authorization: Bearer $AT") && [[ $code == 200 ]] || die "secured route: HTTP $code $(head -c 300 "$WORK/answer")"
  [[ $(saw x-toolgate-client) == "$TG_CLIENT_ID" && $(saw credential_headers_received) == "[]" ]] \
    || die "the MCP server saw client '$(saw x-toolgate-client)' and credentials $(saw credential_headers_received)"
  curl -sS --max-time 10 -o "$WORK/answer" -D "$WORK/answer.head" "${URL[oauth]}" -H "authorization: Bearer $AT" \
    -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
    --data-raw '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"track_shipment","arguments":{"order_id":"A-1001","steps":1},"_meta":{"progressToken":"p"}}}'
  grep -qi '^content-type: text/event-stream' "$WORK/answer.head" && grep -qi '^ratelimit-limit: 100000000' "$WORK/answer.head" \
    || die "the streamed call is not an event stream with the tool's rate limit: $(cat "$WORK/answer.head")"
  log "  checks: both routes answer; the secured one: 401 without a token, 403 without orders.read, the tool's rate limit on track_shipment, no credential upstream"
}

# ---------------------------------------------------------------- runs
# run_wrk ROUTE CONNS SECONDS LABEL: prints wrk's BENCH line; fails on any bad answer or socket error.
# The secured route's runs send $AT (the caller makes it fresh: this runs in a subshell).
run_wrk() {
  local headers="" out line
  [[ $1 == oauth ]] && headers="Authorization: Bearer $AT"
  out=$(BENCH_BODY_FILE=$WORK/call.json BENCH_HEADERS=$headers \
    timeout $(( $3 + 60 )) wrk -t"$THREADS" -c"$2" -d"$3"s --timeout 10s --latency -s bench/mcp.lua "${URL[$1]}" 2> "$WORK/wrk.err") \
    || { cat "$WORK/wrk.err" >&2; die "$4: wrk failed"; }
  printf '### %s (%s) c=%s, %s\n%s\n%s\n' "$4" "${URL[$1]}" "$2" "$(busy)" "$out" "$(cat "$WORK/wrk.err")" >> "$RAW"
  line=$(grep '^BENCH' <<< "$out") || die "$4: no BENCH line from wrk"
  [[ $(field non200 "$line") == 0 && $(field bad_body "$line") == 0 && $(field sockerr "$line") == 0 ]] \
    || { cat "$WORK/wrk.err" >&2; die "$4 c=$2: $line"; }
  echo "$line"
}
all_rounds=""
declare -a OTHERS=()
measure() { # route conns round
  local t0 cpu0 line other cpu_us
  [[ $1 == oauth ]] && fresh_token "$DURATION"
  t0=$(now_ms); cpu_snapshot "$WORK/cpu0"; cpu0=$(cpu_of "$TG_PID")
  line=$(run_wrk "$1" "$2" "$DURATION" "round $3 $1")
  cpu_us=$(awk -v a="$cpu0" -v b="$(cpu_of "$TG_PID")" -v n="$(field total "$line")" 'BEGIN{ printf "%.1f", (b - a) * 1e6 / n }')
  cpu_snapshot "$WORK/cpu1"
  other=$(others_cpu_pct "$WORK/cpu0" "$WORK/cpu1" $(( $(now_ms) - t0 )))
  OTHERS+=("$other")
  all_rounds+="$1@$2 ${line#BENCH } tg_cpu_us=$cpu_us other_cpu=$other round=$3"$'\n'
  log "  round $3 $1 c=$2: $(field rps "$line") req/s, p99 $(field p99_ms "$line") ms, Toolgate $cpu_us µs CPU per call, other processes $other% CPU"
}

# ---------------------------------------------------------------- the run
mkdir -p bench/results
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/mcp-$RUN_ID.md
RAW=bench/results/mcp-$RUN_ID.raw.txt
: > "$RAW"
call_body "$WORK/call.json"
setup
sanity
if (( WARMUP > 0 )); then
  for r in anon oauth; do
    log "warm-up $r (${WARMUP}s, c=$MAX_CONNS)"; fresh_token "$WARMUP"; run_wrk "$r" "$MAX_CONNS" "$WARMUP" "warm-up $r" > /dev/null
  done
fi
for round in $(seq 1 "$ROUNDS"); do
  order="anon oauth"; (( round % 2 == 0 )) && order="oauth anon"
  for c in "${CONNS[@]}"; do for r in $order; do measure "$r" "$c" "$round"; done; done
done

log "time to first SSE event: $SSE_WARMUP + $SSE_CALLS streamed calls per path, alternating"
fresh_token $(( (SSE_CALLS + SSE_WARMUP) * 2 ))
SSE=$(BENCH_MCP_TOKEN=$AT python3 bench/mcp_sse.py --direct "$MCP_DIRECT" --gateway "${URL[oauth]}" --calls "$SSE_CALLS" \
  --warmup "$SSE_WARMUP" --samples "$WORK/sse-samples.txt" 2> "$WORK/sse.err") || { cat "$WORK/sse.err" >&2; die "streamed calls failed"; }
{ echo "### first SSE event, $SSE_CALLS pairs (n direct_ms toolgate_ms)"; echo "$SSE"; cat "$WORK/sse-samples.txt"; } >> "$RAW"
log "  $SSE"

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a != "" && b > 0) printf "%.2f", a/b; else printf "—" }'; }
goal() { awk -v r="$1" 'BEGIN{ exit !(r >= 0.85) }' && printf '≥ 0.85: met' || printf '≥ 0.85: **not met**'; }
round_ratios() { # conns: secured / anonymous of each round
  local r a o out=()
  for r in $(seq 1 "$ROUNDS"); do
    a=$(awk -v n="anon@$1" -v r="round=$r" '$1==n && $NF==r' <<< "$all_rounds"); o=$(awk -v n="oauth@$1" -v r="round=$r" '$1==n && $NF==r' <<< "$all_rounds")
    out+=("$(ratio "$(field rps "$o")" "$(field rps "$a")")")
  done
  local IFS=','; echo "${out[*]}" | sed 's/,/, /g'
}
ms() { awk -v v="$(field "$1" "$SSE")" 'BEGIN{ printf "%.2f", v }'; }
{
  echo "MCP front door (issue 13): tools/call with OAuth + per-tool policy vs anonymous, and time to first SSE event — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), shared by wrk, Toolgate and the MCP server; loopback, keep-alive"
  echo "- JDK: $("$JAVA" -version 2>&1 | head -1) for Toolgate and the MCP server"
  echo "- Toolgate $(toolgate_rev), SQLite store (an audit record per call), started by ./toolgate with its JVM options ($(jvm_opts "$TG_PID"))"
  echo "- MCP server: the demo's sample MCP server, \`toolgate sample-upstream --mcp-port\`, its own JVM ($(jvm_opts "$MCP_PID")); no session, 2025-era requests (no Mcp-Method / Mcp-Name headers)"
  echo "- anonymous: route /anon/mcp, \`policy: {anonymous: true}\`, \`mcp: {}\`; OAuth + per-tool policy: route /mcp, \`require: [client_token]\` with scope mcp, lookup_order adds scope orders.read, track_shipment a per-client rate limit; RS256 access token by client credentials, \`aud\` $RESOURCE, one token reused as a client does (a new one before it would expire)"
  echo "- command: bench/mcp.sh $DURATION $CONNS_ARG $WARMUP, BENCH_ROUNDS=$ROUNDS, BENCH_SSE_CALLS=$SSE_CALLS: wrk -t$THREADS -d${DURATION}s --latency (bench/mcp.lua), tools/call lookup_order ($(wc -c < "$WORK/call.json") B body, JSON answer), $ROUNDS round(s) round-robin (the route going first alternates), median round shown; warm-up ${WARMUP}s per route at c=$MAX_CONNS; every answer checked (200 with the tool's result)"
  echo "- other processes used, during the measured runs, a median $(median "${OTHERS[@]}")% and at most $(printf '%s\n' "${OTHERS[@]}" | sort -n | tail -1)% of the CPU (per run below)"
  echo
  echo "| conns | anonymous req/s | p50 ms | p99 ms | Toolgate CPU/call | OAuth + per-tool policy req/s | p50 ms | p99 ms | Toolgate CPU/call | secured / anonymous (rounds) | goal |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  for c in "${CONNS[@]}"; do
    a=$(median_round "anon@$c"); o=$(median_round "oauth@$c")
    r=$(ratio "$(field rps "$o")" "$(field rps "$a")")
    echo "| $c | $(field rps "$a") | $(field p50_ms "$a") | $(field p99_ms "$a") | $(field tg_cpu_us "$a") µs | $(field rps "$o") | $(field p50_ms "$o") | $(field p99_ms "$o") | $(field tg_cpu_us "$o") µs | **$r** ($(round_ratios "$c")) | $(goal "$r") |"
  done
  echo
  echo "Time to first SSE event: tools/call track_shipment {steps: 1} with a progressToken, \`Accept: application/json, text/event-stream\`; $SSE_CALLS calls per path after $SSE_WARMUP unmeasured, one at a time on one keep-alive connection per path, the paths alternating (bench/mcp_sse.py); from writing the request to reading the first whole event. The sample server writes its first progress event 200 ms after the call (its checkpoint interval), the same on both paths: compare the difference."
  echo
  echo "| path | median ms | p99 ms |"
  echo "| --- | ---: | ---: |"
  echo "| direct to the MCP server | $(ms direct_p50_ms) | $(ms direct_p99_ms) |"
  echo "| through Toolgate (/mcp, OAuth + per-tool rate limit) | $(ms gateway_p50_ms) | $(ms gateway_p99_ms) |"
  echo "| **added by Toolgate** (per pair: through Toolgate − direct) | **$(ms added_p50_ms)** | **$(ms added_p99_ms)** |"
  echo
  echo "every round:"
  echo
  echo '```'
  echo -n "$all_rounds"
  echo '```'
} > "$OUT"
echo
cat "$OUT"
echo
log "written to $OUT (raw wrk output and every SSE pair: $RAW)"
