#!/usr/bin/env bash
# Soak test: Toolgate under a steady mixed load for a bounded time, watched for anything that grows.
#
# One Toolgate (`toolgate serve` through the ./toolgate launcher, so with the JVM options users get),
# the sample upstream, and a load driver (bench/Soak.java, its own JVM) on loopback. The mix, per
# 1000 operations:
#   tool calls, one tool per credential kind, 512 B JSON body: sendbird_signature 149, static_token
#   130, api_key 130, client_token 150 (access tokens from the issuance below), user_token 130
#   (customer JWTs from the logins below), external_jwt 110 (ES256 JWTs of an issuer whose JWKS the
#   driver serves), standard_webhooks 70 (a new webhook-id each), stripe_signature 70 (a new body each);
#   token issuance (client_credentials) 30; introspection of a live token 25;
#   revocation 4: a token is issued, revoked, and a call with it must be refused (401);
#   customer login 1; customer logout 1: a login, /auth/logout, and a call with that JWT must be 401.
# (mtls is the one kind left out: it needs a TLS listener and client certificates.)
# Every answer must have the expected status (200, 204 for logout, 401 where stated): anything else,
# a timeout or a connection error is an error.
#
# Phase 1 (BENCH_SOAK_PROBE s, default 20): BENCH_SOAK_CONNS (32) workers send the mix back to back;
#   the operations completed per second after the first 5 s are the measured maximum.
# Phase 2 (DURATION s): the mix at BENCH_SOAK_LOAD (0.8) x that maximum, as an open model: arrivals at
#   fixed intervals whatever the answers do; latency counted from the scheduled moment.
# Every 10 s of phase 2: requests, p50, p99, errors of the window; Toolgate's RSS and threads
#   (/proc/PID/status), open file descriptors (/proc/PID/fd), and its heap after the window's last
#   full collection, from its GC log (turned on with jcmd PID VM.log once it runs; nothing is
#   collected for the measurement). Per minute: requests, p50, p99, errors.
#
# Verdict (bench/soak_report.py): FAIL, exit status 1, when any call erred (in the check, phase 1 or
# phase 2), or when any of RSS, heap after full GC, open fds, threads, p99 trends up. Trend rule: skip the
# warm-up (the first 20 % of phase 2, at least 30 s); split the samples after it into thirds by time;
# a metric trends up when the median of the last third exceeds the median of the first third by more
# than BOTH a relative and an absolute margin: RSS 10 % and 16 MiB, heap after full GC 10 % and 4 MiB,
# fds 10 % and 8, threads 10 % and 4, p99 (10-s windows) 50 % and 2 ms. With fewer than 2 samples
# per third a metric is not judged (the report says so): short runs check errors only.
#
# The failed-authentication limit per IP is raised so that the expected 401s (all from 127.0.0.1) are
# still counted but never turn into 429s. The login throttle keeps its defaults: all logins are one
# user's, about two a second, several at once during a GC pause (a 30-minute run found the sixth of
# them refused 429 while the other five were being checked; LoginsInFlight now waits for those). Tokens live 5 minutes here (access and customer tokens), so the revocation list, the verified-token
# caches and the replay stores reach their steady size within the warm-up of a 30-minute run.
#
# Usage: bench/soak.sh DURATION_S          e.g. bench/soak.sh 1800 (the documented run), 90 (a smoke run)
# Environment (optional):
#   BENCH_SOAK_LOAD    share of the measured maximum to run at (default 0.8)
#   BENCH_SOAK_PROBE   seconds of phase 1 (default 20)
#   BENCH_SOAK_CONNS   concurrent workers in phase 1 (default 32)
#   BENCH_JAVA_HOME    JDK for Toolgate, the driver and jcmd (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   BENCH_TG_PORT / BENCH_UP_PORT / BENCH_JWKS_PORT   18096 / 19096 / 19097
#   TOOLGATE_JAVA_OPTS JVM options for Toolgate (replaces the launcher's defaults, as for users)
# Writes bench/results/soak-<UTC time>/: samples.csv (10-s windows), minutes.csv, driver.txt,
# gc.log and gc.txt (jstat -gc at the end), histogram-first.txt / histogram-last.txt (top 40 classes
# after the warm-up and at the end), report.md (per-minute table and verdict), soak.png (memory and p99 over time), errors.txt,
# toolgate.log. Prints report.md.
# Needs: a JDK (with jcmd), curl, python3 with matplotlib (apt-get install python3-matplotlib, or
# pip install matplotlib). Bounded: about 2 min of set-up + probe + DURATION; a watchdog ends the run
# at twice that. Everything it starts is stopped on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${1:-}
LOAD=${BENCH_SOAK_LOAD:-0.8}
PROBE=${BENCH_SOAK_PROBE:-20}
CONNS=${BENCH_SOAK_CONNS:-32}
JAVA_HOME=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
TG_PORT=${BENCH_TG_PORT:-18096}
UP_PORT=${BENCH_UP_PORT:-19096}
JWKS_PORT=${BENCH_JWKS_PORT:-19097}
CACHE=${BENCH_CACHE:-$HOME/.cache/toolgate-bench}
source bench/lib.sh

[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 30 ]] || die "usage: bench/soak.sh DURATION_S (at least 30; 1800 for the documented run)"
[[ "$PROBE" =~ ^[0-9]+$ && "$PROBE" -ge 10 ]] || die "BENCH_SOAK_PROBE: whole seconds, at least 10"
[[ -x "$JAVA_HOME/bin/java" && -x "$JAVA_HOME/bin/jcmd" ]] || die "no JDK with jcmd at $JAVA_HOME (BENCH_JAVA_HOME)"
command -v curl >/dev/null || die "curl is required (apt-get install curl)"
PY=""
for p in python3 /usr/bin/python3; do
  command -v "$p" >/dev/null && "$p" -c 'import matplotlib' 2>/dev/null && { PY=$p; break; }
done
[[ -n "$PY" ]] || die "python3 with matplotlib is required (apt-get install python3-matplotlib, or pip install matplotlib)"

OUT=$ROOT/bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
bench_start soak $(( 180 + PROBE + DURATION ))
source bench/toolgate.sh

cat > "$WORK/toolgate.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $TG_PORT
authorization_server:
  issuer: $TG_BASE
  access_token_ttl: 5m
  customer_token: { ttl: 5m, subject: user_id }
# The revocation and logout checks expect 401s from one address: counted, as always, but never
# enough to empty the bucket and turn them into 429s.
failed_auth_limit: { limit: 1000000000, period: 1s }
trusted_issuers:
  soak-idp:
    issuer: https://idp.soak.invalid
    jwks_uri: http://127.0.0.1:$JWKS_PORT/jwks.json
    audiences: [toolgate-soak]
    algorithms: [ES256]
platforms:
  soak: {}
  hooks: {}
tools:
  - { name: signature, platform: soak, method: POST, path: /echo/soak-signature, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [sendbird_signature] } }
  - { name: static_token, platform: soak, method: POST, path: /echo/soak-static-token, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [static_token] } }
  - { name: api_key, platform: soak, method: POST, path: /echo/soak-api-key, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [api_key] } }
  - { name: client_token, platform: soak, method: POST, path: /echo/soak-client-token, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [client_token] } }
  - { name: user_token, platform: soak, method: POST, path: /echo/soak-user-token, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [user_token], user_token: { header: customer-auth, scheme: JWT } } }
  - { name: external_jwt, platform: soak, method: POST, path: /echo/soak-external-jwt, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [external_jwt], external_jwt: { issuer: soak-idp } } }
  - { name: webhooks, platform: hooks, method: POST, path: /echo/soak-webhooks, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [standard_webhooks] } }
  - { name: stripe, platform: hooks, method: POST, path: /echo/soak-stripe, upstream: "http://127.0.0.1:$UP_PORT",
      policy: { require: [stripe_signature] } }
YAML

log "creating clients, secrets, a static token, an API key, an OAuth client and a customer"
bench_body "$WORK/body.json"
cli() { tg "$@" >> "$WORK/cli.log" 2>&1 || { tail -20 "$WORK/cli.log" >&2; die "toolgate $*"; }; }
value_of() { sed -n 's/^Value (shown once, store it now): //p'; }
export SOAK_MASTER=soak-master-api-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SOAK_HOOK_SECRET=whsec_$(head -c 24 /dev/urandom | base64 -w0)
export SOAK_PASSWORD=soak-password-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
cli client create soak --platform soak
cli client create soak-hooks --platform hooks
tg secret add --client soak --from-env SOAK_MASTER >> "$WORK/cli.log" 2>&1 || die "toolgate secret add (soak)"
tg secret add --client soak-hooks --from-env SOAK_HOOK_SECRET >> "$WORK/cli.log" 2>&1 || die "toolgate secret add (soak-hooks)"
SOAK_STATIC_TOKEN=$(tg token create --client soak | value_of)
SOAK_API_KEY=$(tg apikey create --client soak --tools api_key | value_of)
[[ -n "$SOAK_STATIC_TOKEN" && -n "$SOAK_API_KEY" ]] || die "no static token or API key from the CLI"
out=$(tg client-secret create --client soak 2>&1) || { echo "$out" >&2; die "toolgate client-secret create"; }
SOAK_CLIENT_ID=$(printf '%s\n' "$out" | sed -n 's/^client_id: *//p' | head -1)
SOAK_CLIENT_SECRET=$(printf '%s\n' "$out" | sed -n 's/^client_secret[^:]*: *//p' | head -1)
[[ -n "$SOAK_CLIENT_ID" && -n "$SOAK_CLIENT_SECRET" ]] || { echo "$out" >&2; die "no client_id / client_secret from client-secret create"; }
cli user create soak-user --password-env SOAK_PASSWORD

port_free "$UP_PORT" || die "port $UP_PORT is in use (BENCH_UP_PORT to change)"
port_free "$JWKS_PORT" || die "port $JWKS_PORT is in use (BENCH_JWKS_PORT to change)"
JAVA_HOME=$JAVA_HOME "$TOOLGATE" sample-upstream --port "$UP_PORT" > "$WORK/upstream.log" 2>&1 & track_pid $!
# The driver first: it serves the external issuer's JWKS, which Toolgate fetches when it starts. It
# waits for Toolgate's pid in $WORK/toolgate.pid, written once Toolgate answers.
SOAK_BASE=$TG_BASE SOAK_BODY=$WORK/body.json SOAK_CLIENT_ID=$SOAK_CLIENT_ID SOAK_CLIENT_SECRET=$SOAK_CLIENT_SECRET \
  SOAK_STATIC_TOKEN=$SOAK_STATIC_TOKEN SOAK_API_KEY=$SOAK_API_KEY SOAK_USER=soak-user \
  SOAK_EXT_ISSUER=https://idp.soak.invalid SOAK_EXT_AUDIENCE=toolgate-soak SOAK_JWKS_PORT=$JWKS_PORT \
  SOAK_CONNS=$CONNS SOAK_PROBE=$PROBE SOAK_DURATION=$DURATION SOAK_LOAD=$LOAD SOAK_SAMPLE=10 SOAK_WARMUP=$(( DURATION / 5 > 30 ? DURATION / 5 : 30 )) \
  SOAK_PID_FILE=$WORK/toolgate.pid SOAK_JCMD=$JAVA_HOME/bin/jcmd \
  "$JAVA_HOME/bin/java" -Xmx256m -cp toolgate-server/target/toolgate.jar bench/Soak.java "$OUT" > "$OUT/driver.log" 2>&1 &
DRIVER_PID=$!; track_pid "$DRIVER_PID"
for _ in $(seq 1 300); do ! port_free "$JWKS_PORT" && break; kill -0 "$DRIVER_PID" 2>/dev/null || break; sleep 0.2; done
! port_free "$JWKS_PORT" || { cat "$OUT/driver.log" >&2; die "the driver does not serve the JWKS on port $JWKS_PORT"; }
tg_drop_stale_archive
tg_start
tg_wait_ready
upstream_wait_ready "$UP_PORT"
log "Toolgate $(toolgate_rev) pid $TG_PID, JVM: $(jvm_opts "$TG_PID"); $(busy)"
log "driver: check every operation, phase 1 ${PROBE}s (maximum), phase 2 ${DURATION}s at $LOAD of it"
echo "$TG_PID" > "$WORK/toolgate.pid"
tail -n +1 -f --pid="$DRIVER_PID" "$OUT/driver.log" &
driver_rc=0; wait "$DRIVER_PID" || driver_rc=$?
untrack_pid "$DRIVER_PID"
sleep 0.3   # tail's last lines
[[ $driver_rc -eq 0 ]] || { cp "$WORK/toolgate.log" "$OUT/"; die "the driver failed (exit status $driver_rc; see ${OUT#"$ROOT"/}/driver.log, errors.txt)"; }
kill -0 "$TG_PID" 2>/dev/null || { cp "$WORK/toolgate.log" "$OUT/"; die "Toolgate exited during the run"; }
"$JAVA_HOME/bin/jstat" -gc "$TG_PID" > "$OUT/gc.txt" 2>&1 || true   # collections over the whole run, for the report
cp "$WORK/toolgate.log" "$OUT/"
{ echo "toolgate_rev=$(toolgate_rev)"; echo "jvm=$(jvm_opts "$TG_PID")"; echo "java=$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "duration_s=$DURATION"; echo "load=$LOAD"; echo "machine=$(nproc) cores, $(busy)"; } >> "$OUT/driver.txt"
tg_stop

rc=0; "$PY" bench/soak_report.py "$OUT" || rc=$?
log "results in ${OUT#"$ROOT"/}"
exit $rc
