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
