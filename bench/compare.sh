#!/usr/bin/env bash
# Two builds of Toolgate, side by side: runs bench/run.sh in another checkout (the baseline, e.g. a
# `git worktree add /tmp/base <commit>`) and in this one, alternating, ROUNDS times, so drifting
# load hits both alike. bench/run.sh's own round-robin compares scenarios within one build only.
# Usage: bench/compare.sh BASE_CHECKOUT [rounds=3] [duration=10] [connections=32] [warmup=10]
#   BENCH_ONLY=a,b as for bench/run.sh (default: signed,full-policy)
set -euo pipefail
BASE=${1:?usage: bench/compare.sh BASE_CHECKOUT [rounds] [duration] [connections] [warmup]}
ROUNDS=${2:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_ONLY=${BENCH_ONLY:-signed,full-policy}
for r in $(seq 1 "$ROUNDS"); do
  for dir in "$BASE" "$HERE"; do
    echo "=== round $r: $dir ($(git -C "$dir" rev-parse --short HEAD), $(date -u +%T) UTC)"
    (cd "$dir" && bash bench/run.sh "${3:-10}" "${4:-32}" "${5:-10}" 2>&1 | grep -E '^\| ')
  done
done
