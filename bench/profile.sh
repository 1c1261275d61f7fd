#!/usr/bin/env bash
# Where one scenario of bench/nginx.sh spends its time, measured under the same wrk load (issue 11):
#   - CPU samples of Toolgate's JVM by where they land (async-profiler, from Maven Central), and the
#     flat profile of the hottest frames;
#   - bytes allocated per call (async-profiler's allocation profile, its total over the window);
#   - the call's time by phase, from Toolgate's own metrics (management port): gateway share (read,
#     route, verify, decide, audit hand-off), upstream share (request out, response head back), and
#     the rest (the body streamed back to the caller);
#   - system calls per call (strace -c on every JVM thread; it slows the JVM a lot, the counts per
#     call stay right) and upstream connections opened per 1,000 calls (TcpActiveOpens; 0 means reuse).
# Usage: bench/profile.sh SCENARIO [seconds=20] [connections=32]
#   SCENARIO: anonymous | signed | bearer | full-policy
#   BENCH_PROFILE_OUT=DIR  keep the raw profiles there (collapsed stacks, for flame graphs)
#   BENCH_JAR=FILE         profile another build (default: toolgate-server/target/toolgate.jar)
#   BENCH_WARMUP=SECONDS   load before measuring, so the JIT has settled (default 30)
# Needs: wrk, curl, strace, python3, mvn (once, to fetch async-profiler), a JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SCENARIO=${1:?usage: bench/profile.sh anonymous|signed|bearer|full-policy [seconds] [connections]}
SECONDS_=${2:-20}
CONNS=${3:-32}
JAVA=${BENCH_JAVA:-java}
GW_PORT=18120
UP_PORT=19120
MGMT_PORT=18121
AP_VERSION=4.1
for tool in wrk curl strace python3; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }; done
[[ -n ${BENCH_JAR:-} || -f toolgate-server/target/toolgate.jar ]] || mvn -q -B -DskipTests package
JAR=${BENCH_JAR:-toolgate-server/target/toolgate.jar}
AP_DIR=target/bench-tools
AP_LIB=$AP_DIR/linux-x64/libasyncProfiler.so
if [[ ! -f $AP_LIB ]]; then
  mkdir -p "$AP_DIR"
  mvn -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:$AP_VERSION -DoutputDirectory="$AP_DIR" >/dev/null
  (cd "$AP_DIR" && unzip -q -o "async-profiler-$AP_VERSION.jar" 'linux-x64/*')
fi
AP_LIB=$(realpath "$AP_LIB")
WORK=$(mktemp -d /tmp/toolgate-profile.XXXXXX)
OUT=${BENCH_PROFILE_OUT:-$WORK}
mkdir -p "$OUT"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

source bench/proxy-setup.sh
proxy_setup
printf 'management: { host: 127.0.0.1, port: %s }\n' "$MGMT_PORT" >> "$WORK/toolgate.yaml"
start_upstream_and_gateway
case "$SCENARIO" in
  anonymous) URL=/echo/anon; HEADERS="" ;;
  signed) URL=/echo/signed; HEADERS="x-sendbird-signature: $SIG" ;;
  bearer) URL=/echo/bearer; HEADERS="authorization: Bearer $TOKEN" ;;
  full-policy) URL=/echo/users/u-42/full; HEADERS="x-sendbird-signature: $SIG" ;;
  *) echo "unknown scenario $SCENARIO" >&2; exit 1 ;;
esac
export BENCH_BODY_FILE="$WORK/body.json"
load() { BENCH_HEADERS="$HEADERS" wrk -t2 -c"$CONNS" -d"$1s" -s bench/post.lua "http://127.0.0.1:$GW_PORT$URL" | sed -n 's/^BENCH //p'; }
# The metric sums Toolgate keeps about proxied calls: count, total, gateway and upstream seconds.
phases() {
  curl -s "http://127.0.0.1:$MGMT_PORT/metrics" | python3 -c '
import re, sys
sums = {}
for line in sys.stdin:
    m = re.match(r"toolgate_tool_call_(duration|gateway_duration|upstream_duration)_seconds_(sum|count)\{([^}]*)\} (\S+)", line)
    if m and ("mode=\"proxy\"" in m.group(3) or m.group(1) == "upstream_duration"):
        key = m.group(1) + "_" + m.group(2)
        sums[key] = sums.get(key, 0) + float(m.group(4))
print(" ".join(str(sums.get(k, 0)) for k in ("duration_count", "duration_sum", "gateway_duration_sum", "upstream_duration_sum")))'
}
calls_so_far() { phases | cut -d' ' -f1; }
# jcmd would split the options at "=" unless they are quoted inside the argument.
agent() { jcmd "$GW_PID" JVMTI.agent_load "$AP_LIB" "\"$1\"" >/dev/null; }

load "${BENCH_WARMUP:-30}" >/dev/null # warm-up: JIT, pools
echo "Profile of the $SCENARIO call — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, wrk -t2 -c$CONNS, ${SECONDS_}s windows"

# 1. CPU
before=$(calls_so_far)
agent "start,event=cpu,interval=1ms,threads"
wrk_line=$(load "$SECONDS_")
agent "stop,file=$OUT/cpu.collapsed,collapsed,threads"
calls=$(( $(calls_so_far | cut -d. -f1) - ${before%.*} ))
echo "load: $wrk_line"
echo
echo "## CPU samples (async-profiler event=cpu, 1 ms), $calls calls"
python3 bench/profile_summary.py cpu "$OUT/cpu.collapsed" "$calls"

# 2. Allocation
before=$(calls_so_far)
agent "start,event=alloc"
load "$SECONDS_" >/dev/null
agent "stop,file=$OUT/alloc.collapsed,collapsed,total"
calls=$(( $(calls_so_far | cut -d. -f1) - ${before%.*} ))
echo
echo "## Allocation (async-profiler event=alloc, bytes), $calls calls"
python3 bench/profile_summary.py alloc "$OUT/alloc.collapsed" "$calls"

# 3. Phases (no profiler attached)
read -r c0 t0 g0 u0 < <(phases)
load "$SECONDS_" >/dev/null
read -r c1 t1 g1 u1 < <(phases)
echo
echo "## Time per call by phase (Toolgate's metrics, ${SECONDS_}s under load)"
python3 - "$c0" "$t0" "$g0" "$u0" "$c1" "$t1" "$g1" "$u1" <<'PY'
import sys
c0, t0, g0, u0, c1, t1, g1, u1 = map(float, sys.argv[1:])
n = c1 - c0
total, gateway, upstream = (t1 - t0) / n * 1e6, (g1 - g0) / n * 1e6, (u1 - u0) / n * 1e6
print(f"- calls: {n:.0f}; mean time in Toolgate per call: {total:.0f} µs")
print(f"- gateway (arrival to the upstream request sent: read, route, verify, decide, audit hand-off): {gateway:.0f} µs ({gateway / total:.0%})")
print(f"- upstream (request out to response head in): {upstream:.0f} µs ({upstream / total:.0%})")
print(f"- streaming the answer back and the rest: {total - gateway - upstream:.0f} µs ({(total - gateway - upstream) / total:.0%})")
PY

# 4. System calls and upstream connections
opens() { awk '/^Tcp:/ { if (h) print $6; h = 1 }' /proc/net/snmp; }
o0=$(opens); c0=$(calls_so_far)
tids=(); for t in /proc/"$GW_PID"/task/*; do tids+=(-p "${t##*/}"); done
strace -c -f -o "$OUT/strace.txt" "${tids[@]}" 2>/dev/null & spid=$!
sleep 1
load 10 >/dev/null
kill -INT "$spid"; wait "$spid" 2>/dev/null || true
o1=$(opens); c1=$(calls_so_far)
n=$(( ${c1%.*} - ${c0%.*} ))
echo
echo "## System calls per call (strace -c on every thread, 10 s under load: $n calls)"
python3 bench/profile_summary.py strace "$OUT/strace.txt" "$n"
echo
echo "## Upstream connections: $(( o1 - o0 )) TCP connections opened over $n calls (wrk's own included);" \
  "$(ss -Htn state established "( dport = :$UP_PORT )" | wc -l) open to the upstream now"
