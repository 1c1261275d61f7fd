#!/usr/bin/env bash
# Bounded coverage-guided fuzzing of every @FuzzTest (docs/fuzzing.md), one target after another.
# Usage: bench/fuzz.sh [seconds_per_target=60] [Class#method ...]   (default: every target below)
#   FUZZ_TIMEOUT=10   seconds one input may run before it counts as a hang (libFuzzer -timeout)
#   MVN_ARGS="-o"     extra Maven arguments (e.g. -o to stay offline once dependencies are downloaded)
# Findings (crash-*, timeout-*) land in the target's corpus directory,
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/, where mvn verify replays them from
# then on; inputs that only grew coverage stay in <module>/.cifuzz-corpus/ (not committed).
# Each target costs its seconds plus ~30-60 s of Maven and instrumentation start-up.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
TIMEOUT=${FUZZ_TIMEOUT:-10}
# Coverage feedback from the libraries that parse the hostile input too, not only from Toolgate's classes.
INSTRUMENT='dev.toolgate.**,org.snakeyaml.**,com.fasterxml.jackson.**,com.nimbusds.**,com.google.crypto.tink.**,io.netty.handler.codec.http.**'

ALL=(
  toolgate-core:ConfigLoaderFuzzTest#parse
  toolgate-core:RequestPathFuzzTest#parse
  toolgate-core:JsonBodyFuzzTest#readAndStrip
  toolgate-core:IdentityReaderFuzzTest#read
  toolgate-core:JwtVerifierFuzzTest#verify
  toolgate-core:StandardWebhooksVerifierFuzzTest#verify
  toolgate-core:StripeSignatureVerifierFuzzTest#verify
  toolgate-core:FormBodyFuzzTest#decodeForm
  toolgate-server:QueryFuzzTest#checkReadAndStrip
)
targets=()
if (($# == 0)); then
  targets=("${ALL[@]}")
else
  for wanted in "$@"; do
    match=$(printf '%s\n' "${ALL[@]}" | grep -F ":$wanted" || true)
    [[ -n $match ]] || { echo "unknown target $wanted; known: ${ALL[*]#*:}" >&2; exit 2; }
    targets+=("$match")
  done
fi

failed=()
for target in "${targets[@]}"; do
  module=${target%%:*}
  test=${target#*:}
  log="$module/target/fuzz/${test/\#/.}.log"
  mkdir -p "$module/target/fuzz"
  echo "== fuzzing $test for ${SECONDS_PER_TARGET}s (log: $log)"
  # JAZZER_FUZZ turns the replay into fuzzing (and the pom's fuzzing profile turns Jazzer's hooks on).
  # The JUnit timeout parameters only tell Jazzer the per-input limit; JUnit itself must not time the run.
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${SECONDS_PER_TARGET}s" mvn -B ${MVN_ARGS:-} test -pl "$module" -am \
      -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.instrument="$INSTRUMENT" \
      -Djunit.jupiter.execution.timeout.testtemplate.method.default="${TIMEOUT}s" \
      -Djunit.jupiter.execution.timeout.mode=disabled >"$log" 2>&1; then
    echo "   no finding; $(grep -a -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1)"
  else
    echo "   FINDING: $(grep -a -o 'Test unit written to .*' "$log" | tail -1 | sed 's/Test unit written to //')"
    grep -a -m1 -A3 'FuzzTestFindingException: *$' "$log" | tail -n +2 | sed 's/^/   /' || true
    failed+=("$test")
  fi
done
if ((${#failed[@]})); then
  echo "findings in: ${failed[*]}" >&2
  exit 1
fi
