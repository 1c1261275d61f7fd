# Toolgate helpers for the comparisons with Keycloak (bench/tokens.sh, bench/codeflow.sh; sourced,
# not run). Toolgate runs through the ./toolgate launcher, as users start it, so with the JVM
# options users get by default (TOOLGATE_JAVA_OPTS replaces them, as for users), and is configured
# with its CLI.
#
# Expects from the caller: WORK (temp dir of this run, holding toolgate.yaml), JAVA_HOME, TG_PORT,
# and bench/lib.sh. Sets: TOOLGATE, TG_BASE, TG_PID, TG_LAUNCH_MS.

TOOLGATE=$PWD/toolgate
TG_BASE=http://127.0.0.1:$TG_PORT

# The CLI, on this run's configuration.
tg() { JAVA_HOME=$JAVA_HOME "$TOOLGATE" "$@" --config "$WORK/toolgate.yaml"; }

# The launcher's class-data archive (JDK 19+) is written when a server first exits; JDK 25 will not
# use, nor rewrite, one made for an older build of the jar. Remove such a stale one, so that an
# untimed first start writes it and later starts see what an installed server sees.
tg_drop_stale_archive() {
  [[ -f toolgate-server/target/toolgate.jar ]] || log "building toolgate-server/target/toolgate.jar (the launcher does it)"
  local jsa
  for jsa in toolgate-server/target/toolgate-*-serve.jsa; do
    [[ -f "$jsa" && "$jsa" -ot toolgate-server/target/toolgate.jar ]] || continue
    log "removing $jsa: older than the jar, the JVM would ignore it"; rm -f "$jsa"
  done
}

# Start `toolgate serve` in the background; TG_LAUNCH_MS is the moment just before it starts.
tg_start() {
  port_free "$TG_PORT" || die "port $TG_PORT is in use (BENCH_TG_PORT to change)"
  TG_LAUNCH_MS=$(now_ms)
  JAVA_HOME=$JAVA_HOME "$TOOLGATE" serve --config "$WORK/toolgate.yaml" >> "$WORK/toolgate.log" 2>&1 &  # the launcher execs java
  TG_PID=$!; track_pid "$TG_PID"
}

tg_stop() { stop_pid "$TG_PID"; TG_PID=""; }

# Until the authorization server metadata answers (at most 180 s).
tg_wait_ready() {
  local deadline=$(( $(now_ms) + 180000 ))
  until curl -fs --max-time 2 -o /dev/null "$TG_BASE/.well-known/oauth-authorization-server"; do
    kill -0 "$TG_PID" 2>/dev/null || { tail -30 "$WORK/toolgate.log" >&2; die "Toolgate exited"; }
    (( $(now_ms) < deadline )) || die "Toolgate not ready after 180 s"
    sleep 0.2
  done
}
