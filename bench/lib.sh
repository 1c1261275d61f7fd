# Shared by the benchmark scripts (sourced, not run).

# bench_body FILE: the 512-byte JSON body every scenario's POST carries, as a Sendbird tool call would.
bench_body() {
  python3 - "$1" <<'PY'
import json, sys
body = {"tool": "lookup_order", "user_id": "u-42", "args": {"order_id": "A-1001"}, "pad": ""}
s = json.dumps(body, separators=(",", ":"))
body["pad"] = "x" * (512 - len(s))
open(sys.argv[1], "w").write(json.dumps(body, separators=(",", ":")))
PY
  [[ $(wc -c < "$1") -eq 512 ]]
}

# cpu_of PID: CPU seconds the process has used so far (utime + stime, from /proc).
cpu_of() { cpu_of_stats "/proc/$1/stat"; }
# cpu_of_stats FILE...: the same, summed over the /proc/*/stat files given.
cpu_of_stats() { awk -v hz="$(getconf CLK_TCK)" '{s += ($14 + $15) / hz} END {printf "%.3f", s}' "$@"; }

# median_round NAME: of the lines "NAME rps=... p50_ms=..." in $all_rounds, the one with the median
# req/s over $ROUNDS rounds.
median_round() {
  echo -n "$all_rounds" | awk -v n="$1" '$1==n{split($2,a,"="); print a[2], $0}' | sort -n | cut -d' ' -f2- \
    | sed -n "$(( (ROUNDS + 1) / 2 ))p"
}
# field KEY LINE: the value of KEY=value in a round's line.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# ---------------------------------------------------------------- runs that start servers and compare them
# (bench/tokens.sh, bench/codeflow.sh: Keycloak and Toolgate side by side). Functions only; a script
# calls bench_start to get its work directory, lock, clean-up and watchdog.

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
now_ms() { date +%s%3N; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
json_field() { python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print(v if v is not None else "")' "$1"; }
basic() { printf 'Authorization: Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }
# jwt_alg JWT: the alg of its header.
jwt_alg() { python3 -c 'import base64,json,sys; h=sys.argv[1].split(".")[0]; print(json.loads(base64.urlsafe_b64decode(h+"="*(-len(h)%4)))["alg"])' "$1"; }
median() { printf '%s\n' "$@" | sort -n | awk 'NF{a[++n]=$1} END{if (n) print a[int((n+1)/2)]}'; }

# Processes this run started, stopped on exit whatever happens.
PIDS=()
track_pid() { PIDS+=("$1"); }
untrack_pid() { local p keep=(); for p in "${PIDS[@]}"; do [[ "$p" != "$1" ]] && keep+=("$p"); done; PIDS=("${keep[@]}"); }
stop_pid() { # TERM, then KILL after 20 s; works for grandchildren too (no `wait`)
  local pid=$1 _
  [[ -n "$pid" ]] || return 0
  untrack_pid "$pid"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
bench_cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  local all=("${PIDS[@]}")
  for p in "${all[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${all[@]}"; do stop_pid "$p"; done
  wait 2>/dev/null || true
  if [[ $rc -ne 0 && -n "$WORK" && -d "$WORK" ]]; then
    mkdir -p bench/results && local keep=bench/results/failed-$(date -u +%Y%m%dT%H%M%SZ)
    mkdir -p "$keep" && cp "$WORK"/*.log "$keep"/ 2>/dev/null && log "logs of the failed run kept in $keep"
  fi
  [[ -n "$WORK" ]] && rm -rf "$WORK"
  exit $rc
}
# bench_start NAME BUDGET_S: WORK=a new temp dir; one such run at a time (the Keycloak cache in
# $CACHE is shared); everything tracked is stopped on exit, also on failure or Ctrl-C; a watchdog
# ends the run after twice BUDGET_S seconds even if a server hangs.
WORK=""
bench_start() {
  mkdir -p "$CACHE"
  exec 9> "$CACHE/.lock"
  flock -n 9 || die "another run of bench/tokens.sh, bench/codeflow.sh or bench/mcp.sh is running (lock $CACHE/.lock)"
  WORK=$(mktemp -d "/tmp/toolgate-$1.XXXXXX")
  trap bench_cleanup EXIT
  set -E   # say where an unexpected failure happened, also inside functions
  trap 'log "FAILED: exit status $? at line $LINENO: $BASH_COMMAND"' ERR
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local limit=$(( 2 * $2 ))
  ( trap 'kill "$sp" 2>/dev/null; exit 0' TERM; sleep "$limit" & sp=$!; wait "$sp"
    echo "watchdog: run exceeded $limit s, stopping" >&2; kill -TERM $$ ) &
  track_pid $!
}

busy() { printf 'load %s, cpu pressure %s' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(awk '/^some/{sub("avg60=","",$3); print $3 "%"}' /proc/pressure/cpu 2>/dev/null)"; }
# How busy the machine was with other work: the CPU time processes outside this benchmark (not
# descended from this script; not kernel threads, which carry our loopback traffic) used during a
# run, as a share of all cores. Per process: own + reaped children's time (/proc/<pid>/stat), so
# short-lived processes count through their parent; those that end during the run are taken out at
# what they (and their reaped children) had used before it, which their parent's count now holds.
cpu_snapshot() { # cat, not awk, reads /proc: awk stops at the first process that ended since the glob
  cat /proc/[0-9]*/stat 2>/dev/null | awk '{ pid = $1; sub(/^.*\) /, ""); print pid, $2, $12 + $13, $14 + $15 }' > "$1" || true; }
others_cpu_pct() { # snapshot_before snapshot_after elapsed_ms
  awk -v self=$$ -v hz="$(getconf CLK_TCK)" -v ms="$3" -v n="$(nproc)" '
    function ours(p, pp,   i) { for (i = 0; i < 64 && p > 1; i++) { if (p == self) return 1; p = pp[p] } return 0 }
    FNR == NR { pp0[$1] = $2; own0[$1] = $3; kids0[$1] = $4; next }
    { pp1[$1] = $2; own1[$1] = $3; kids1[$1] = $4 }
    END {
      for (p in own1) if (p != 2 && pp1[p] != 2 && !ours(p, pp1)) s += own1[p] + kids1[p] - (p in own0 ? own0[p] + kids0[p] : 0)
      for (p in own0) if (!(p in own1) && p != 2 && pp0[p] != 2 && !ours(p, pp0)) s -= own0[p] + kids0[p]
      if (s < 0) s = 0
      printf "%.0f", 100 * s / hz / (ms / 1000 * n) }' "$1" "$2"
}
# The memory, GC, JIT, class-data-sharing and Netty options a running JVM was started with, and the
# malloc arena limit from its environment (the launcher sets one).
jvm_opts() {
  { tr '\0' '\n' < "/proc/$1/cmdline" | grep -E '^-Xm[snx]|^-Xss|^-XX:[+]Use[A-Za-z]*GC|^-XX:[+]AutoCreateSharedArchive|^-XX:SharedArchiveFile|^-XX:AOTCache|^-XX:(Max)?MetaspaceSize|^-XX:ReservedCodeCacheSize|^-XX:TieredStopAtLevel|^-XX:TrimNativeHeapInterval|^-XX:[A-Za-z]*RAMPercentage|^-Dio[.]netty[.]' \
      | sed 's:^-XX\:SharedArchiveFile=.*/:-XX\:SharedArchiveFile=…/:'
    tr '\0' '\n' < "/proc/$1/environ" 2>/dev/null | grep -E '^MALLOC_ARENA_MAX=' | sed 's/^/env /'
  } | paste -sd' ' || true; }
rss_kib() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }
# The Toolgate build being measured, for reports.
toolgate_rev() { echo "${BENCH_REV:-$(git rev-parse --short HEAD 2>/dev/null || echo '(no git)')$(git diff --quiet HEAD -- toolgate-core toolgate-server toolgate 2>/dev/null || echo '+uncommitted')}"; }

# Until the sample upstream on port $1 answers a POST to /echo/x (at most 10 s; a later request would fail loudly).
upstream_wait_ready() {
  for _ in $(seq 1 100); do curl -fs -o /dev/null -X POST "http://127.0.0.1:$1/echo/x" && return 0; sleep 0.1; done
}
