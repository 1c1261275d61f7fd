#!/usr/bin/env bash
# Token benchmark: Toolgate's authorization server side by side with Keycloak, in one run, on
# loopback, on the same JDK:
#   - client credentials grant (client_secret_basic): Keycloak RS256; Toolgate RS256, then ES256
#     and EdDSA after `toolgate keys rotate`;
#   - introspection of a valid token (the caller authenticates with client_secret_basic);
#   - the JWKS;
#   - a Toolgate tool protected by client_token: the same token again and again (the verified-token
#     cache), and "first use": N freshly issued tokens, each sent once (a signature check each:
#     Toolgate's verified-token cache holds 100 000 tokens, so cycling through a few thousand
#     would measure the cache again);
#   - launch -> first token (a restart with the realm/client already configured);
#   - idle RSS after the runs both servers did (client credentials, introspection, JWKS) + 10 s idle,
#     and Toolgate's again at the end, after the runs only it does.
# Toolgate runs through the ./toolgate launcher, so with the JVM options users get by default.
# Prints one table (req/s, p99, ratio Toolgate/Keycloak, goal) and writes it to bench/results/.
#
# Usage: bench/tokens.sh [duration_s=20] [connections=16,64] [warmup_s=30]
# Environment (all optional):
#   BENCH_JAVA_HOME        JDK for both servers (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   BENCH_CACHE            where Keycloak is downloaded and built (default ~/.cache/toolgate-bench)
#   BENCH_KC_VERSION       pin a Keycloak version (default: newest that resolves on Maven Central)
#   BENCH_SERVERS          "keycloak toolgate" (default), or just one of them (smoke runs)
#   BENCH_FIRST_USE_TOKENS fresh tokens per first-use tool-call run (default 20000; a run ends when
#                          they are used up, or after the duration)
#   BENCH_MAX_OTHER        measure again when other processes took more than this % of the CPU
#                          during a run (default 10), at most BENCH_RETRIES (2) more times
#   BENCH_KC_PORT / BENCH_TG_PORT / BENCH_UP_PORT   8180 / 18090 / 19091
#   BENCH_REV              what to call the Toolgate version in the report (default: git describe)
#   TOOLGATE_JAVA_OPTS     JVM options for Toolgate, which runs through the ./toolgate launcher as
#                          shipped (it builds the jar if missing; this variable replaces its defaults)
#   BENCH_LAUNCHES         restarts timed for launch -> first token, per server (default 3)
# Needs: wrk, curl, python3, unzip, Maven (only if the jar is missing). Bounded in time: roughly
# 3 min of set-up + 10 x warmup + 10 x (number of connection counts) x duration, more when runs are
# measured again on a busy machine; a watchdog ends the run at twice the worst case. Everything it
# starts is stopped on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${1:-20}
CONNS_ARG=${2:-16,64}
WARMUP=${3:-30}
IFS=',' read -ra CONNS <<< "$CONNS_ARG"
MAX_CONNS=$(printf '%s\n' "${CONNS[@]}" | sort -n | tail -1)
THREADS=2
JAVA_HOME=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
CACHE=${BENCH_CACHE:-$HOME/.cache/toolgate-bench}
KC_PORT=${BENCH_KC_PORT:-8180}
TG_PORT=${BENCH_TG_PORT:-18090}
UP_PORT=${BENCH_UP_PORT:-19091}
SERVERS=${BENCH_SERVERS:-keycloak toolgate}
FIRST_USE=${BENCH_FIRST_USE_TOKENS:-20000}
MAX_OTHER=${BENCH_MAX_OTHER:-10}
RETRIES=${BENCH_RETRIES:-2}
KC_ADMIN_PASS=bench-admin-password
KC_CLIENT_SECRET=bench-client-secret-0123456789abcdef
source bench/lib.sh
has() { [[ " $SERVERS " == *" $1 "* ]]; }

for tool in wrk curl python3 unzip; do command -v "$tool" >/dev/null || die "$tool is required (apt-get install $tool)"; done
[[ -x "$JAVA" ]] || die "no JDK at $JAVA_HOME (BENCH_JAVA_HOME)"
[[ "$DURATION" =~ ^[0-9]+$ && "$WARMUP" =~ ^[0-9]+$ && "$DURATION" -gt 0 ]] || die "usage: bench/tokens.sh [duration_s] [conns,conns] [warmup_s]"

# Bounded even if a server hangs (bench_start's watchdog, at twice this).
bench_start tokens $(( 180 + 10 * WARMUP + 10 * ${#CONNS[@]} * DURATION * (1 + ${BENCH_RETRIES:-2}) + 12 * 30 ))

# shellcheck source=bench/keycloak.sh
source bench/keycloak.sh
# shellcheck source=bench/toolgate.sh
source bench/toolgate.sh

# Poll the token endpoint every 20 ms until it returns an access token; FIRST_MS = ms since launch.
# One python process does the polling: a curl fork every 20 ms would take CPU from the starting server.
wait_first_token() { # url basic_header launch_ms pid log
  FIRST_MS=$(python3 - "$1" "$2" "$3" "$4" <<'PY'
import http.client, os, sys, time, urllib.parse
url, header, launch_ms, pid = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2].split(": ", 1), int(sys.argv[3]), int(sys.argv[4])
while time.time() * 1000 - launch_ms < 180000:
    try:
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=2)
        c.request("POST", url.path, "grant_type=client_credentials",
                  {header[0]: header[1], "Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        if r.status == 200 and b'"access_token"' in r.read():
            print(int(time.time() * 1000) - launch_ms); sys.exit(0)
        c.close()
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("server exited before issuing a token")
    time.sleep(0.02)
sys.exit("no token 180 s after launch")
PY
  ) || { tail -30 "$5" >&2; die "no first token from $1"; }
}
fetch_token() { # url basic_header -> access token
  curl -fsS --max-time 10 -H "$2" -d grant_type=client_credentials "$1" | json_field access_token
}
# ---------------------------------------------------------------- Keycloak
kc_setup() {
  kc_prepare
  KC_BASIC=$(basic bench-client "$KC_CLIENT_SECRET")
  rm -rf "$KC_HOME/data"   # a fresh dev-file database each run (the cache dir is locked)
  log "Keycloak $KC_VERSION: first start, configuring realm bench"
  kc_start; kc_wait_ready; kc_configure
  fetch_token "$(kc_token_url)" "$KC_BASIC" | grep -q . || die "Keycloak issued no token"
  kc_stop
  local kc=$KC_BASE/realms/bench/protocol/openid-connect
  def_target kc.cc POST "$kc/token" "grant_type=client_credentials" "$KC_BASIC" token
  def_target kc.introspect POST "$kc/token/introspect" "" "$KC_BASIC" active
  def_target kc.jwks GET "$kc/certs" "" "" jwks
}

# ---------------------------------------------------------------- Toolgate
tg_setup() {
  tg_drop_stale_archive   # the untimed first start below writes it; the timed restarts use it
  cat > "$WORK/toolgate.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $TG_PORT
authorization_server:
  issuer: $TG_BASE
platforms:
  bench: {}
tools:
  - { name: jwt_tool, platform: bench, method: POST, path: /echo/jwt, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [client_token], client_token: { scopes: [tools.read] } } }
YAML
  tg client create bench --platform bench > "$WORK/cli.log" 2>&1 || { cat "$WORK/cli.log" >&2; die "toolgate client create"; }
  tg client-oauth bench --scopes "tools.read" >> "$WORK/cli.log" 2>&1 || { cat "$WORK/cli.log" >&2; die "toolgate client-oauth"; }
  local out
  out=$(tg client-secret create --client bench 2>&1) || { echo "$out" >&2; die "toolgate client-secret create"; }
  TG_CLIENT_ID=$(printf '%s\n' "$out" | sed -n 's/^client_id: *//p' | head -1)
  TG_SECRET=$(printf '%s\n' "$out" | sed -n 's/^client_secret[^:]*: *//p' | head -1)
  [[ -n "$TG_CLIENT_ID" && -n "$TG_SECRET" ]] || { echo "$out" >&2; die "no client_id / client_secret in the output of client-secret create"; }
  TG_BASIC=$(basic "$TG_CLIENT_ID" "$TG_SECRET")

  port_free "$UP_PORT" || die "port $UP_PORT is in use (BENCH_UP_PORT to change)"
  JAVA_HOME=$JAVA_HOME "$TOOLGATE" sample-upstream --port "$UP_PORT" > "$WORK/upstream.log" 2>&1 & UP_PID=$!; track_pid "$UP_PID"

  log "Toolgate: first start (generates its signing key)"
  tg_start
  wait_first_token "$TG_BASE/oauth/token" "$TG_BASIC" "$TG_LAUNCH_MS" "$TG_PID" "$WORK/toolgate.log"
  tg_stop
  upstream_wait_ready "$UP_PORT"

  python3 - "$WORK/body.json" <<'PY'
import json, sys
body = {"tool": "lookup_order", "user_id": "u-42", "args": {"order_id": "A-1001"}, "pad": ""}
s = json.dumps(body, separators=(",", ":"))
body["pad"] = "x" * (512 - len(s))
open(sys.argv[1], "w").write(json.dumps(body, separators=(",", ":")))
PY
  def_target tg.cc POST "$TG_BASE/oauth/token" "grant_type=client_credentials" "$TG_BASIC" token
  def_target tg.introspect POST "$TG_BASE/oauth/introspect" "" "$TG_BASIC" active
  def_target tg.jwks GET "$TG_BASE/.well-known/jwks.json" "" "" jwks
  def_target tg.tool.cached POST "$TG_BASE/echo/jwt" "" "" 2xx
  def_target tg.tool.first POST "$TG_BASE/echo/jwt" "" "" 2xx
  T_BODYFILE[tg.tool.cached]=$WORK/body.json; T_CTYPE[tg.tool.cached]=application/json
  T_BODYFILE[tg.tool.first]=$WORK/body.json; T_CTYPE[tg.tool.first]=application/json
}
# Issue N distinct tokens (wrk with bench/issue.lua, as fast as the server gives them) into a file.
issue_tokens() { # n file
  local n=$1 file=$2 attempt have per
  : > "$file"
  for attempt in 1 2 3 4 5; do
    have=$(wc -l < "$file")
    (( have >= n )) && break
    per=$(( (n - have) / THREADS + (n - have) / 50 + 10 ))
    rm -f "$WORK"/issued.*
    BENCH_HEADERS=$TG_BASIC BENCH_ISSUE_OUT=$WORK/issued BENCH_ISSUE_COUNT=$per \
      timeout 660 wrk -t"$THREADS" -c"$MAX_CONNS" -d600s --timeout 10s -s bench/issue.lua "$TG_BASE/oauth/token" > /dev/null \
      || die "issuing tokens failed"
    cat "$WORK"/issued.* >> "$file"
  done
  local distinct; distinct=$(sort -u "$file" | wc -l)
  (( distinct >= n )) || die "got $distinct distinct tokens, wanted $n"
  (( distinct == $(wc -l < "$file") )) || die "the token endpoint returned the same token twice"
}
# Before each run of the first-use tool call: fresh tokens, never sent before.
prep_first_use() { issue_tokens "$FIRST_USE" "$WORK/first-use-tokens.txt"; }
# Make a new key active with `toolgate keys rotate` and wait until the running server signs with it
# (restarting it if it does not pick the new key up within 15 s).
tg_rotate() { # alg
  tg keys rotate --algorithm "$1" >> "$WORK/cli.log" 2>&1 || { tail -20 "$WORK/cli.log" >&2; die "toolgate keys rotate --algorithm $1"; }
  local _ tok
  for _ in $(seq 1 75); do
    tok=$(fetch_token "$TG_BASE/oauth/token" "$TG_BASIC")
    [[ "$(jwt_alg "$tok")" == "$1" ]] && return 0
    sleep 0.2
  done
  log "the running server did not switch to $1 within 15 s: restarting it (its JIT warm-up is lost)"
  ROTATE_NOTE+=" $1: server restarted after rotate;"
  tg_stop; tg_start
  wait_first_token "$TG_BASE/oauth/token" "$TG_BASIC" "$TG_LAUNCH_MS" "$TG_PID" "$WORK/toolgate.log"
  [[ "$(jwt_alg "$(fetch_token "$TG_BASE/oauth/token" "$TG_BASIC")")" == "$1" ]] || die "tokens are not $1 after keys rotate and a restart"
}

# ---------------------------------------------------------------- targets, checks, measurements
declare -A T_METHOD T_URL T_BODY T_HDRS T_CHECK T_BODYFILE T_CTYPE T_TOKFILE T_ONCE T_PREP R_RPS R_P99 R_ERR R_OTHER
def_target() { # name method url body headers check
  T_METHOD[$1]=$2; T_URL[$1]=$3; T_BODY[$1]=$4; T_HDRS[$1]=$5; T_CHECK[$1]=$6
  T_BODYFILE[$1]=""; T_CTYPE[$1]=""; T_TOKFILE[$1]=""; T_ONCE[$1]=""; T_PREP[$1]=""
}
# One request with the same shape as the wrk script sends; its answer must be what we measure.
check() {
  local t=$1
  local args=(-s --max-time 10 -o "$WORK/check.out" -w '%{http_code}' -X "${T_METHOD[$t]}")
  local h hdrs; IFS='|' read -ra hdrs <<< "${T_HDRS[$t]}"
  for h in "${hdrs[@]}"; do [[ -n "$h" ]] && args+=(-H "$h"); done
  [[ -n "${T_TOKFILE[$t]}" ]] && args+=(-H "Authorization: Bearer $(head -1 "${T_TOKFILE[$t]}")")
  [[ -n "${T_BODY[$t]}" ]] && args+=(-H "Content-Type: application/x-www-form-urlencoded" --data-raw "${T_BODY[$t]}")
  [[ -n "${T_BODYFILE[$t]}" ]] && args+=(-H "Content-Type: ${T_CTYPE[$t]}" --data-binary "@${T_BODYFILE[$t]}")
  local code ok=1; code=$(curl "${args[@]}" "${T_URL[$t]}") || true
  [[ "$code" == 2* ]] || ok=0
  case ${T_CHECK[$t]} in
    token) grep -q '"access_token"' "$WORK/check.out" || ok=0 ;;
    active) grep -Eq '"active" *: *true' "$WORK/check.out" || ok=0 ;;
    jwks) grep -q '"keys"' "$WORK/check.out" || ok=0 ;;
  esac
  [[ $ok == 1 ]] || { head -c 400 "$WORK/check.out" >&2; echo >&2; die "$t: check request answered $code"; }
}
# wrk with bench/oauth.lua shaped for the target.
run_wrk() { # target conns seconds
  local t=$1
  ( export BENCH_METHOD=${T_METHOD[$t]} BENCH_BODY=${T_BODY[$t]} BENCH_HEADERS=${T_HDRS[$t]} \
      BENCH_BODY_FILE=${T_BODYFILE[$t]} BENCH_CONTENT_TYPE=${T_CTYPE[$t]} BENCH_TOKENS_FILE=${T_TOKFILE[$t]} \
      BENCH_TOKENS_ONCE=${T_ONCE[$t]} BENCH_THREADS=$THREADS
    timeout $(( $3 + 60 )) wrk -t"$THREADS" -c"$2" -d"$3"s --timeout 10s --latency -s bench/oauth.lua "${T_URL[$t]}" )
}
prep() { [[ -z "${T_PREP[$1]}" ]] || "${T_PREP[$1]}"; }
# One measured run; when other processes took more than BENCH_MAX_OTHER % of the CPU during it,
# up to BENCH_RETRIES more, keeping the run they disturbed least.
measure() { # label target conns
  local out line t0 other attempt best_out="" best_other=101
  for (( attempt = 0; attempt <= RETRIES; attempt++ )); do
    prep "$2"
    t0=$(now_ms); cpu_snapshot "$WORK/cpu0"
    out=$(run_wrk "$2" "$3" "$DURATION") || die "$1: wrk failed"
    cpu_snapshot "$WORK/cpu1"
    other=$(others_cpu_pct "$WORK/cpu0" "$WORK/cpu1" $(( $(now_ms) - t0 )))
    printf '### %s (%s) c=%s, %s, other processes %s%% CPU\n%s\n' "$1" "${T_URL[$2]}" "$3" "$(busy)" "$other" "$out" >> "$RAW"
    (( other < best_other )) && { best_other=$other; best_out=$out; }
    (( other <= MAX_OTHER )) && break
    (( attempt < RETRIES )) && log "  $1 c=$3: other processes took ${other}% of the CPU, measuring again"
  done
  out=$best_out; other=$best_other
  R_OTHER[$1@$3]=$other
  line=$(grep '^BENCH' <<< "$out") || die "$1: no BENCH line from wrk"
  set -- "$1" "$2" "$3" $line
  R_RPS[$1@$3]=${5#rps=}; R_P99[$1@$3]=${7#p99_ms=}
  local non2xx=${8#non2xx=} sockerr=${9#sockerr=}
  R_ERR[$1@$3]=$(( non2xx + sockerr ))
  log "  $1 c=$3: ${R_RPS[$1@$3]} req/s, p99 ${R_P99[$1@$3]} ms, ${10#total=} requests in ${11#secs=} s, other processes ${other}% CPU$( (( non2xx + sockerr )) && echo ", $non2xx non-2xx, $sockerr socket errors")"
}
# A request kind: check every target, warm each (same time, same connections), measure each at
# every connection count (interleaved, so both servers see the same machine), check again.
phase() { # label=target ...
  local p
  for p; do check "${p#*=}"; done
  if (( WARMUP > 0 )); then
    for p; do log "warm-up ${p%%=*} (${WARMUP}s, c=$MAX_CONNS)"; prep "${p#*=}"; run_wrk "${p#*=}" "$MAX_CONNS" "$WARMUP" > /dev/null || die "warm-up failed"; done
  fi
  local c
  for c in "${CONNS[@]}"; do for p; do measure "${p%%=*}" "${p#*=}" "$c"; done; done
  for p; do check "${p#*=}"; done
}

# ---------------------------------------------------------------- the run
mkdir -p bench/results
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/tokens-$RUN_ID.md
RAW=bench/results/tokens-$RUN_ID.raw.txt
: > "$RAW"
ROTATE_NOTE=""
KC_PID=""; TG_PID=""; UP_PID=""
has keycloak && kc_setup
has toolgate && tg_setup

# Launch -> first token: restarts with the realm / client and keys already in place, alternating
# the servers (each timed while the other is stopped, except Toolgate's last start, which runs
# next to an idle Keycloak); the median of BENCH_LAUNCHES (default 3) counts.
LAUNCHES=${BENCH_LAUNCHES:-3}
KC_FIRSTS=(); TG_FIRSTS=()
for i in $(seq 1 "$LAUNCHES"); do
  if has keycloak; then
    kc_start
    wait_first_token "$(kc_token_url)" "$KC_BASIC" "$KC_LAUNCH_MS" "$KC_PID" "$WORK/keycloak.log"
    KC_FIRSTS+=("$FIRST_MS"); log "Keycloak: launch -> first token $FIRST_MS ms"
    (( i < LAUNCHES )) && kc_stop
  fi
  if has toolgate; then
    tg_start
    wait_first_token "$TG_BASE/oauth/token" "$TG_BASIC" "$TG_LAUNCH_MS" "$TG_PID" "$WORK/toolgate.log"
    TG_FIRSTS+=("$FIRST_MS"); log "Toolgate: launch -> first token $FIRST_MS ms"
    (( i < LAUNCHES )) && tg_stop
  fi
done
KC_FIRST_MS=$(median "${KC_FIRSTS[@]}"); TG_FIRST_MS=$(median "${TG_FIRSTS[@]}")

both() { # label kc_target tg_target -> phase args for the servers in this run
  local a=()
  has keycloak && [[ -n "$2" ]] && a+=("kc.$1=$2")
  has toolgate && [[ -n "$3" ]] && a+=("tg.$1=$3")
  phase "${a[@]}"
}
log "client credentials (RS256)"
both cc.RS256 kc.cc tg.cc
log "introspection"
has keycloak && T_BODY[kc.introspect]="token=$(fetch_token "$(kc_token_url)" "$KC_BASIC")"
has toolgate && T_BODY[tg.introspect]="token=$(fetch_token "$TG_BASE/oauth/token" "$TG_BASIC")"
both introspect kc.introspect tg.introspect
log "JWKS"
both jwks kc.jwks tg.jwks
# Idle memory is compared here, after the same requests on both servers: the tool-call and ES256/EdDSA
# runs below load Toolgate alone (up to 100 000 verified tokens stay cached until they expire).
log "idle 10 s, then RSS of both servers"
sleep 10
KC_RSS=""; TG_RSS=""
if has keycloak; then KC_RSS=$(rss_kib "$KC_PID" VmRSS); fi
if has toolgate; then TG_RSS=$(rss_kib "$TG_PID" VmRSS); fi
if has toolgate; then
  log "tool call with client_token: one token (cached), then $FIRST_USE fresh tokens per run, each sent once (first use)"
  T_HDRS[tg.tool.cached]="Authorization: Bearer $(fetch_token "$TG_BASE/oauth/token" "$TG_BASIC")"
  issue_tokens 10 "$WORK/first-use-tokens.txt"   # for the check request
  T_TOKFILE[tg.tool.first]=$WORK/first-use-tokens.txt; T_ONCE[tg.tool.first]=1; T_PREP[tg.tool.first]=prep_first_use
  both tool.cached "" tg.tool.cached
  both tool.first "" tg.tool.first
  for alg in ES256 EdDSA; do
    log "client credentials ($alg, after keys rotate)"
    tg_rotate "$alg"
    both "cc.$alg" "" tg.cc
  done
fi

log "idle 10 s, then RSS of Toolgate after its own runs too"
sleep 10
TG_RSS_END=""; TG_HWM=""; KC_HWM=""
if has keycloak; then KC_HWM=$(rss_kib "$KC_PID" VmHWM); fi
if has toolgate; then TG_RSS_END=$(rss_kib "$TG_PID" VmRSS); TG_HWM=$(rss_kib "$TG_PID" VmHWM); fi

# ---------------------------------------------------------------- report
ratio() { [[ -n "$1" && -n "$2" ]] && awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else printf "—" }' || printf '—'; }
goal() { # ratio op target
  [[ "$1" == "—" || -z "$3" ]] && { printf '%s' "${3:+$2 $3}"; return; }
  if awk -v r="$1" -v g="$3" -v op="$2" 'BEGIN{ exit !((op == "≥" && r >= g) || (op == "≤" && r <= g)) }'; then
    printf '%s %s met' "$2" "$3"; else printf '%s %s **not met**' "$2" "$3"; fi
}
cell_rps() {
  local v=${R_RPS[$1]:-}; [[ -z "$v" ]] && { printf '—'; return; }
  printf '%s' "$v"
  (( ${R_ERR[$1]:-0} )) && printf ' (%s errors!)' "${R_ERR[$1]}"
  (( ${R_OTHER[$1]:-0} > MAX_OTHER )) && printf ' (busy machine: %s%% other CPU)' "${R_OTHER[$1]}"
  return 0
}
mib() { [[ -n "$1" ]] && awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}' || printf '—'; }
{
  echo "Toolgate vs Keycloak token benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), shared by wrk and both servers; loopback, keep-alive"
  echo "- JDK: $("$JAVA" -version 2>&1 | head -1) for both servers"
  has keycloak && echo "- Keycloak $KC_VERSION (Maven Central keycloak-quarkus-dist), dev-file DB, started by kc.sh with its JVM options ($(jvm_opts "$KC_PID"))"
  has toolgate && echo "- Toolgate $(toolgate_rev), SQLite store, started by ./toolgate with its JVM options ($(jvm_opts "$TG_PID"))"
  echo "- command: bench/tokens.sh $DURATION $CONNS_ARG $WARMUP (wrk -t$THREADS -d${DURATION}s --latency after ${WARMUP}s warm-up per endpoint and server at c=$MAX_CONNS)"
  others=$(printf '%s\n' "${R_OTHER[@]}" | sort -n)
  echo "- other processes on the machine used, during the measured runs, a median $(median $others)% and at most $(tail -1 <<< "$others")% of its CPU (per run in the raw file; the machine is shared, compare ratios within a run)"
  [[ -n "$ROTATE_NOTE" ]] && echo "- note:$ROTATE_NOTE"
  echo
  echo "| measure | conns | Keycloak | Keycloak p99 ms | Toolgate | Toolgate p99 ms | Toolgate/Keycloak | goal |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  row() { # title kc_label tg_label op goal (rows without a goal show only when Toolgate was measured)
    local c kr tr r
    for c in "${CONNS[@]}"; do
      kr=${R_RPS[$2@$c]:-}; tr=${R_RPS[$3@$c]:-}; r=$(ratio "$tr" "$kr")
      [[ -z "$tr" && ( -z "$kr" || -z "$5" ) ]] && continue
      echo "| $1 | $c | $(cell_rps "$2@$c") | ${R_P99[$2@$c]:-—} | $(cell_rps "$3@$c") | ${R_P99[$3@$c]:-—} | $r | $(goal "$r" "$4" "$5") |"
    done
  }
  row "client credentials, RS256, req/s" kc.cc.RS256 tg.cc.RS256 "≥" 1.8
  row "client credentials, Toolgate ES256 (vs Keycloak RS256), req/s" kc.cc.RS256 tg.cc.ES256 "" ""
  row "client credentials, Toolgate EdDSA (vs Keycloak RS256), req/s" kc.cc.RS256 tg.cc.EdDSA "" ""
  row "introspection of a valid token, req/s" kc.introspect tg.introspect "≥" 8
  row "JWKS, req/s" kc.jwks tg.jwks "≥" 8
  row "tool call with client_token, same token (cached), req/s" - tg.tool.cached "" ""
  row "tool call with client_token, fresh tokens, each once (first use), req/s" - tg.tool.first "" ""
  r=$(ratio "$TG_FIRST_MS" "$KC_FIRST_MS")
  echo "| launch → first token, ms (median of $LAUNCHES restarts: ${KC_FIRSTS[*]:-—} / ${TG_FIRSTS[*]:-—}) | | ${KC_FIRST_MS:-—} | | ${TG_FIRST_MS:-—} | | $r | $(goal "$r" "≤" 0.2) |"
  r=$(ratio "$TG_RSS" "$KC_RSS")
  echo "| idle RSS, MiB (after the same client-credentials, introspection and JWKS runs on both + 10 s idle) | | $(mib "$KC_RSS") | | $(mib "$TG_RSS") | | $r | $(goal "$r" "≤" 0.33) |"
  echo "| Toolgate's idle RSS, MiB, after its tool-call and ES256/EdDSA runs too + 10 s idle | | | | $(mib "$TG_RSS_END") | | | |"
  echo "| peak RSS, MiB (VmHWM) | | $(mib "$KC_HWM") | | $(mib "$TG_HWM") | | $(ratio "$TG_HWM" "$KC_HWM") | |"
} > "$OUT"
echo
cat "$OUT"
echo
log "written to $OUT (raw wrk output: $RAW)"
