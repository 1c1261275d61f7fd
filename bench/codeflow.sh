#!/usr/bin/env bash
# Code-flow benchmark (issue 12): the token endpoint for the two grants an MCP client uses after a
# user signed in, Toolgate side by side with Keycloak, in one run, on loopback, on the same JDK, both
# signing RS256:
#   code     grant_type=authorization_code with PKCE (S256), public client (no secret, client_id in
#            the body); Toolgate also gets the RFC 8707 resource the code was issued for (Keycloak
#            gets none: RFC 8707 is an experimental feature of its, off in a default build);
#   refresh  grant_type=refresh_token with rotation on both: every answer carries a new refresh
#            token, the old one is spent (Keycloak realm: revokeRefreshToken, refreshTokenMaxReuse 0).
# Codes are single-use, so each code-exchange run gets its own pool, made just before it through the
# server's real authorization endpoint (bench/codeflow.py: each of 64 sessions signs in once on the
# login page, the first consents, then the sessions ask again and again, each answer a redirect with
# a code; every code has its own PKCE verifier). Each refresh run gets one live refresh token per
# connection, each from its own sign-in and code exchange, and keeps every chain going
# (bench/codeflow.lua). Any answer other than 200 fails the run.
# Rounds are round-robin (scenario, connection count, server; the server that goes first alternates
# between rounds) and the median round is reported, with Toolgate/Keycloak per scenario and
# connection count. Prints a markdown table and writes it to bench/results/.
#
# Usage: bench/codeflow.sh [duration_s=20] [connections=16,64] [warmup_s=20]
# Environment (all optional):
#   BENCH_ROUNDS           rounds (default 3)
#   BENCH_JAVA_HOME        JDK for both servers (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   BENCH_CACHE            where Keycloak is downloaded and built (default ~/.cache/toolgate-bench)
#   BENCH_KC_VERSION       pin a Keycloak version (default: newest that resolves on Maven Central)
#   BENCH_KC_PORT / BENCH_TG_PORT   8180 / 18090
#   BENCH_CODE_WORKERS     processes making codes (default 4)
#   BENCH_CODE_SESSIONS    signed-in sessions (one user) the codes are spread over, each signed in
#                          once per run (default 64): many users' codes, not one session's
#   BENCH_CODE_RATE        code exchanges/s assumed before a run measured one, to size the warm-up's
#                          pool (default 1000); later pools: 3 x the best rate seen x duration.
#                          A pool that runs dry fails the run (its requests would carry no code).
#   BENCH_CODES_MAX        largest pool of codes for one run (default 100000)
#   BENCH_REV              what to call the Toolgate version in the report (default: git describe)
#   TOOLGATE_JAVA_OPTS     JVM options for Toolgate (replaces the ./toolgate launcher's defaults)
# Needs: wrk, curl, python3, unzip, Maven (only if the jar is missing: the launcher builds it; a jar
# older than the sources is used as it is). Bounded in time: about 5 min of set-up + 4 x (warm-up +
# pool) + 4 x rounds x (connection counts) x (duration + pool), where making a pool takes about as
# long as the run it feeds (20-35 min with the defaults); a watchdog ends the run at twice the worst
# case. Everything it starts is stopped on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-20}
CONNS_ARG=${2:-16,64}
WARMUP=${3:-20}
IFS=',' read -ra CONNS <<< "$CONNS_ARG"
MAX_CONNS=$(printf '%s\n' "${CONNS[@]}" | sort -n | tail -1)
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=2
JAVA_HOME=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
CACHE=${BENCH_CACHE:-$HOME/.cache/toolgate-bench}
KC_PORT=${BENCH_KC_PORT:-8180}
TG_PORT=${BENCH_TG_PORT:-18090}
WORKERS=${BENCH_CODE_WORKERS:-4}
SESSIONS=${BENCH_CODE_SESSIONS:-64}
CODES_MAX=${BENCH_CODES_MAX:-100000}
KC_ADMIN_PASS=bench-admin-password
KC_CLIENT_SECRET=bench-client-secret-0123456789abcdef
USER_NAME=bench-user
export BENCH_USER_PASSWORD=bench-user-password-1   # read by codeflow.py and `toolgate user create`
# Nothing listens there: the code is read from the redirect's Location, as a native app's would be.
REDIRECT_URI=http://127.0.0.1:9/callback

for tool in wrk curl python3 unzip; do command -v "$tool" >/dev/null || die "$tool is required (apt-get install $tool)"; done
[[ -x "$JAVA" ]] || die "no JDK at $JAVA_HOME (BENCH_JAVA_HOME)"
[[ "$DURATION" =~ ^[0-9]+$ && "$WARMUP" =~ ^[0-9]+$ && "$DURATION" -gt 0 && "$ROUNDS" =~ ^[1-9][0-9]*$ ]] \
  || die "usage: bench/codeflow.sh [duration_s] [conns,conns] [warmup_s]; BENCH_ROUNDS >= 1"
for c in "${CONNS[@]}"; do [[ "$c" =~ ^[0-9]+$ ]] && (( c >= THREADS )) || die "connection counts must be numbers >= $THREADS"; done

bench_start codeflow $(( 300 + 4 * (2 * WARMUP + 120) + 4 * ROUNDS * ${#CONNS[@]} * (2 * DURATION + 120) ))
# shellcheck source=bench/keycloak.sh
source bench/keycloak.sh
# shellcheck source=bench/toolgate.sh
source bench/toolgate.sh
RESOURCE=$TG_BASE/mcp   # the MCP server Toolgate's tokens are for (authorization_server.resources)

# Per server (kc, tg): authorization and token endpoints, client id, resource (none for Keycloak).
declare -A AUTHZ TOKEN CLIENT RES RATE
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# ---------------------------------------------------------------- set-up
kc_setup() {
  kc_prepare
  rm -rf "$KC_HOME/data"   # a fresh dev-file database each run (the cache dir is locked)
  log "Keycloak $KC_VERSION: starting, configuring realm bench for the code flow"
  kc_start; kc_wait_ready; kc_configure
  kc_configure_codeflow "$USER_NAME" "$BENCH_USER_PASSWORD" bench-mcp "$REDIRECT_URI"
  AUTHZ[kc]=$(kc_authorize_url); TOKEN[kc]=$(kc_token_url); CLIENT[kc]=bench-mcp; RES[kc]=""
}

tg_setup() {
  tg_drop_stale_archive
  cat > "$WORK/toolgate.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $TG_PORT
authorization_server:
  issuer: $TG_BASE
  resources: [ "$RESOURCE" ]
  authorization_code:
    code_ttl: 10m          # the longest allowed: pools are made ahead of their run
platforms:
  bench: {}
tools:   # a configuration needs one; nothing calls it here
  - { name: mcp, platform: bench, method: POST, path: /mcp, upstream: "http://127.0.0.1:9",
      policy: { require: [client_token], client_token: { scopes: [tools.read] } } }
YAML
  : > "$WORK/cli.log"
  tg user create "$USER_NAME" --password-env BENCH_USER_PASSWORD >> "$WORK/cli.log" 2>&1 \
    || { cat "$WORK/cli.log" >&2; die "toolgate user create"; }
  tg client create bench-mcp --platform bench >> "$WORK/cli.log" 2>&1 || { cat "$WORK/cli.log" >&2; die "toolgate client create"; }
  tg client-oauth --help 2>&1 | grep -q -- '--redirect-uris' \
    || die "this Toolgate's \`client-oauth\` has no --redirect-uris: build one with the code flow (issue 12)"
  local out
  out=$(tg client-oauth bench-mcp --auth-methods none --scopes tools.read --redirect-uris "$REDIRECT_URI" 2>&1) \
    || { echo "$out" >&2; die "toolgate client-oauth"; }
  echo "$out" >> "$WORK/cli.log"
  TG_CLIENT_ID=$(printf '%s\n' "$out" | sed -n 's/^client_id: *\([^ ]*\).*/\1/p' | head -1)
  [[ -n "$TG_CLIENT_ID" ]] || { echo "$out" >&2; die "no client_id in the output of client-oauth"; }
  log "Toolgate $(toolgate_rev): starting"
  tg_start; tg_wait_ready
  AUTHZ[tg]=$TG_BASE/oauth/authorize; TOKEN[tg]=$TG_BASE/oauth/token; CLIENT[tg]=$TG_CLIENT_ID; RES[tg]=$RESOURCE
}

# ---------------------------------------------------------------- pools
# make_codes SERVER N FILE [--login-each]: N "code verifier" lines through the authorization endpoint,
# spread over BENCH_CODE_SESSIONS signed-in sessions (kept for the next pools), or each of its own
# sign-in.
make_codes() {
  local sessions=(--sessions "$SESSIONS" --sessions-dir "$WORK/sessions-$1")
  [[ "${4:-}" == --login-each ]] && sessions=(--login-each)
  python3 bench/codeflow.py codes --authorize "${AUTHZ[$1]}" --client-id "${CLIENT[$1]}" --redirect-uri "$REDIRECT_URI" \
    --resource "${RES[$1]}" --username "$USER_NAME" --password-env BENCH_USER_PASSWORD --workers "$WORKERS" \
    "${sessions[@]}" --count "$2" --out "$3" 2>> "$WORK/codeflow-py.log" \
    || { tail -5 "$WORK/codeflow-py.log" >&2; die "$1: making $2 codes failed"; }
}
# The pool a run uses up: codes for the code exchange (enough for SECONDS at the best rate seen,
# and half as many again; before any rate was seen, the warm-up's pool assumes BENCH_CODE_RATE, and
# a warm-up may end early); for the refresh, one live refresh token per connection, each of its own
# sign-in (one chain per session, as each user's client has one).
make_pool() { # server scenario conns seconds
  local t0; t0=$(now_ms)
  if [[ $2 == code ]]; then
    local n; n=$(awk -v r="${RATE[$1]:-0}" -v g="${BENCH_CODE_RATE:-1000}" -v s="$4" -v c="$3" -v m="$CODES_MAX" \
      'BEGIN { n = (r > 0 ? int(r * s * 3) : int(g * s)) + 2 * c; if (n < 200) n = 200; if (n > m) n = m; print n }')
    make_codes "$1" "$n" "$WORK/pool.txt"
  else
    make_codes "$1" "$3" "$WORK/seed-codes.txt" --login-each
    python3 bench/codeflow.py exchange --token "${TOKEN[$1]}" --codes "$WORK/seed-codes.txt" --client-id "${CLIENT[$1]}" \
      --redirect-uri "$REDIRECT_URI" --resource "${RES[$1]}" --out "$WORK/pool.txt" 2>> "$WORK/codeflow-py.log" \
      || { tail -5 "$WORK/codeflow-py.log" >&2; die "$1: exchanging the seed codes failed"; }
  fi
  log "  $1 $2: $(wc -l < "$WORK/pool.txt") in the pool, made in $(( ($(now_ms) - t0) / 1000 )) s"
  sleep 1   # let the server settle after the pool's requests
}
form_for() { # server scenario: the fixed part of every request's form
  local f="client_id=$(urlenc "${CLIENT[$1]}")"
  if [[ $2 == code ]]; then
    f="grant_type=authorization_code&$f&redirect_uri=$(urlenc "$REDIRECT_URI")"
    [[ -n "${RES[$1]}" ]] && f+="&resource=$(urlenc "${RES[$1]}")"
  else
    f="grant_type=refresh_token&$f"
  fi
  echo "$f"
}

# ---------------------------------------------------------------- checks and runs
# One code of each server through the whole flow by hand: the exchange answers RS256 access tokens
# (for Toolgate: for the resource) and a refresh token, and the refresh a new refresh token.
sanity() { # server
  make_codes "$1" 1 "$WORK/sanity.txt"
  local code verifier body at rt rt2 args=()
  read -r code verifier < "$WORK/sanity.txt"
  [[ -n "${RES[$1]}" ]] && args=(--data-urlencode "resource=${RES[$1]}")
  body=$(curl -sS --max-time 10 "${TOKEN[$1]}" -d grant_type=authorization_code --data-urlencode "code=$code" \
    --data-urlencode "code_verifier=$verifier" --data-urlencode "redirect_uri=$REDIRECT_URI" \
    --data-urlencode "client_id=${CLIENT[$1]}" "${args[@]}") || die "$1: code exchange failed"
  at=$(json_field access_token <<< "$body" 2>/dev/null) || at=""
  rt=$(json_field refresh_token <<< "$body" 2>/dev/null) || rt=""
  [[ -n "$at" && -n "$rt" ]] || die "$1: the code exchange answered no access and refresh token: ${body:0:300}"
  [[ "$(jwt_alg "$at")" == RS256 ]] || die "$1: access tokens are signed $(jwt_alg "$at"), not RS256"
  if [[ -n "${RES[$1]}" ]]; then
    python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; a=json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))["aud"]; sys.exit(a != sys.argv[2] and a != [sys.argv[2]])' \
      "$at" "${RES[$1]}" || die "$1: the access token's aud is not ${RES[$1]}"
  fi
  body=$(curl -sS --max-time 10 "${TOKEN[$1]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rt" \
    --data-urlencode "client_id=${CLIENT[$1]}") || die "$1: refresh failed"
  rt2=$(json_field refresh_token <<< "$body" 2>/dev/null) || rt2=""
  [[ -n "$rt2" && "$rt2" != "$rt" ]] || die "$1: the refresh answered no new refresh token: ${body:0:300}"
  log "  $1: code exchange and refresh answer RS256 tokens, the refresh token rotates"
}
# wrk with bench/codeflow.lua over the pool; prints its BENCH line, fails on any non-200 answer,
# socket error or request sent without a credential left.
run_wrk() { # server scenario conns seconds label
  local out err line
  out=$(BENCH_MODE=$2 BENCH_SOURCE=$WORK/pool.txt BENCH_FORM=$(form_for "$1" "$2") BENCH_THREADS=$THREADS \
    timeout $(( $4 + 60 )) wrk -t"$THREADS" -c"$3" -d"$4"s --timeout 10s --latency -s bench/codeflow.lua "${TOKEN[$1]}" 2> "$WORK/wrk.err") \
    || { cat "$WORK/wrk.err" >&2; die "$5: wrk failed"; }
  printf '### %s (%s) c=%s, %s\n%s\n%s\n' "$5" "${TOKEN[$1]}" "$3" "$(busy)" "$out" "$(cat "$WORK/wrk.err")" >> "$RAW"
  line=$(grep '^BENCH' <<< "$out") || die "$5: no BENCH line from wrk"
  [[ $(field non200 "$line") == 0 && $(field sockerr "$line") == 0 && $(field starved "$line") == 0 ]] \
    || { cat "$WORK/wrk.err" >&2; die "$5 c=$3: $line"; }
  echo "$line"
}
remember_rate() { # server line: the best code-exchange rate seen sizes the next pools
  local rps; rps=$(field rps "$2")
  (( rps > ${RATE[$1]:-0} )) && RATE[$1]=$rps
  return 0
}
warm() { # server scenario
  log "warm-up $1 $2 (${WARMUP}s, c=$MAX_CONNS)"
  make_pool "$1" "$2" "$MAX_CONNS" "$WARMUP"
  local line; line=$(run_wrk "$1" "$2" "$MAX_CONNS" "$WARMUP" "warm-up $1.$2")
  [[ $2 == code ]] && remember_rate "$1" "$line"
  return 0
}
all_rounds=""
declare -a OTHERS=()
measure() { # server scenario conns round
  make_pool "$1" "$2" "$3" "$DURATION"
  local t0 line other
  t0=$(now_ms); cpu_snapshot "$WORK/cpu0"
  line=$(run_wrk "$1" "$2" "$3" "$DURATION" "round $4 $1.$2")
  cpu_snapshot "$WORK/cpu1"
  other=$(others_cpu_pct "$WORK/cpu0" "$WORK/cpu1" $(( $(now_ms) - t0 )))
  OTHERS+=("$other")
  [[ $2 == code ]] && remember_rate "$1" "$line"
  all_rounds+="$1.$2@$3 ${line#BENCH } other_cpu=$other round=$4"$'\n'
  log "  round $4 $1.$2 c=$3: $(field rps "$line") req/s, p99 $(field p99_ms "$line") ms, $(field total "$line") requests in $(field secs "$line") s, other processes $other% CPU"
}

# ---------------------------------------------------------------- the run
mkdir -p bench/results
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/codeflow-$RUN_ID.md
RAW=bench/results/codeflow-$RUN_ID.raw.txt
: > "$RAW"
kc_setup
tg_setup
for s in kc tg; do sanity "$s"; done
for scenario in code refresh; do for s in kc tg; do (( WARMUP > 0 )) && warm "$s" "$scenario"; done; done
for round in $(seq 1 "$ROUNDS"); do
  order="kc tg"; (( round % 2 == 0 )) && order="tg kc"
  for scenario in code refresh; do
    for c in "${CONNS[@]}"; do for s in $order; do measure "$s" "$scenario" "$c" "$round"; done; done
  done
done

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a != "" && b > 0) printf "%.2f", a/b; else printf "—" }'; }
goal() { [[ "$1" == "—" ]] && { printf '≥ 2'; return; }
  awk -v r="$1" 'BEGIN{ exit !(r >= 2) }' && printf '≥ 2: met' || printf '≥ 2: **not met**'; }
cell() { # median round's line -> req/s, and how long the run was when its pool ran out early
  local rps secs; rps=$(field rps "$1"); secs=$(field secs "$1")
  printf '%s' "$rps"
  awk -v s="$secs" -v d="$DURATION" 'BEGIN{ exit !(s < 0.9 * d) }' && printf ' (pool used up after %s s)' "$secs"
  return 0
}
{
  echo "Code exchange and refresh, Toolgate vs Keycloak — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), shared by wrk, the code generator (between runs) and both servers; loopback, keep-alive"
  echo "- JDK: $("$JAVA" -version 2>&1 | head -1) for both servers; both sign access tokens RS256 (checked)"
  echo "- Keycloak $KC_VERSION (Maven Central keycloak-quarkus-dist), dev-file DB, started by kc.sh with its JVM options ($(jvm_opts "$KC_PID")); realm: revokeRefreshToken true, refreshTokenMaxReuse 0, accessCodeLifespan 600 s; public client, PKCE S256, consent off"
  echo "- Toolgate $(toolgate_rev), SQLite store, started by ./toolgate with its JVM options ($(jvm_opts "$TG_PID")); code_ttl 10m, refresh tokens rotate (reuse grace 10 s, never used here)"
  echo "- command: bench/codeflow.sh $DURATION $CONNS_ARG $WARMUP, BENCH_ROUNDS=$ROUNDS: wrk -t$THREADS -d${DURATION}s --latency, $ROUNDS round(s) round-robin (the server going first alternates), median round shown; warm-up ${WARMUP}s per scenario and server at c=$MAX_CONNS"
  echo "- code pools: made before each run through the authorization endpoint, spread over $SESSIONS sessions of one user, each signed in once on the login page (Keycloak: SSO cookie; Toolgate: session cookie, consent remembered); refresh: one chain per connection, each from its own sign-in"
  echo "- other processes used, during the measured runs, a median $(median "${OTHERS[@]}")% and at most $(printf '%s\n' "${OTHERS[@]}" | sort -n | tail -1)% of the CPU (per run below)"
  echo
  echo "| scenario | conns | Keycloak req/s | Keycloak p99 ms | Toolgate req/s | Toolgate p99 ms | Toolgate / Keycloak | goal |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  for scenario in code refresh; do
    title="authorization_code + PKCE, public client"; [[ $scenario == refresh ]] && title="refresh_token, rotating"
    for c in "${CONNS[@]}"; do
      k=$(median_round "kc.$scenario@$c"); t=$(median_round "tg.$scenario@$c")
      r=$(ratio "$(field rps "$t")" "$(field rps "$k")")
      echo "| $title | $c | $(cell "$k") | $(field p99_ms "$k") | $(cell "$t") | $(field p99_ms "$t") | $r | $(goal "$r") |"
    done
  done
  echo
  echo "Toolgate's code exchanges name the RFC 8707 \`resource\` (the token's \`aud\`); Keycloak's do not: its RFC 8707 support is an experimental feature (\`resource-indicators\`, a build option) left off here, as in a default build."
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
log "written to $OUT (raw wrk output: $RAW)"
