#!/usr/bin/env bash
# Propagation benchmark: how long after a revocation is committed another Toolgate instance refuses
# the revoked credential, on PostgreSQL (changes announced with LISTEN/NOTIFY; docs/storage.md).
# Starts two instances (A, B: `toolgate serve`, each its own JVM and port) on one fresh schema of
# the database, a small upstream, then makes 20 changes to warm up and CHANGES changes measured, one
# at a time:
#   - half: an OAuth access token revoked on A's /oauth/revoke;
#   - half: an API key revoked by the benchmark's own process through the store, as the CLI does;
# and after each asks B again and again (one request after the other, on one connection) until it
# answers 401. Prints the time from the commit to B's first refusing answer (median, p99, max, in
# ms) per kind: an upper bound, since it includes the request that saw it (about 1 ms on loopback).
# Both instances also poll the store every second (the fallback); on an idle machine the
# announcement wins by far. The schema and everything started are removed at the end.
#
# Usage: bench/propagation.sh [changes=200]
# Environment (optional):
#   BENCH_PG_URL           jdbc:postgresql://127.0.0.1:5432/test
#   BENCH_PG_USER          postgres
#   BENCH_PG_PASSWORD_ENV  the NAME of the environment variable holding the password (none: trust auth)
#   BENCH_JAVA             java to run with (default: java on the PATH; a JDK 17+)
# Needs: a JDK, PostgreSQL, Maven if toolgate-server/target/toolgate.jar is missing. Bounded: each
# wait gives up after 5 s (60 s for a start), about 0.1 s a change on an idle machine, plus
# the instances' start.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${BENCH_JAVA:-java}
[[ -f toolgate-server/target/toolgate.jar ]] || mvn -q -B -DskipTests package
JAR=toolgate-server/target/toolgate.jar
exec "$JAVA" -cp "$JAR" bench/Propagation.java "$JAR" "${1:-200}"
