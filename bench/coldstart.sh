#!/usr/bin/env bash
# Cold start of every function in template.yaml: a fresh JVM with the java21 runtime's flags runs the
# real runtime interface client on the function's deployment zip, against a loopback Runtime API, and
# times launch to the first answer of its sample event from events/ (DynamoDB Local, loopback Step
# Functions and EventBridge; Secrets Manager, CloudWatch and the EKS API fail fast on a closed port),
# next to a bare RequestStreamHandler in the same run. Prints zip size, jar count, first-invoke ms and
# the ratio to the bare handler; no pass/fail. Builds the zips first (./mvnw package, tests skipped).
# Usage: bench/coldstart.sh        Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if ! { [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; }; then
  JAVA_HOME=""
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/java" ] || continue
    v=$(java_major "$d" 2>/dev/null || true); v=${v%%.*}
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; then JAVA_HOME="$d"; fi
  done
  [ -n "$JAVA_HOME" ] || { echo "bench/coldstart.sh: no JDK >= 21 found (set JAVA_HOME)" >&2; exit 1; }
fi
export JAVA_HOME

api=functions/api
# package builds both zips (and the test classes the harness lives in); the classpath file is written per module
./mvnw ${MVN_OFFLINE--o} -q -B -pl functions/phases,$api -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$api/target/test-classes:$api/target/classes:$(cat "$api/target/bench-classpath.txt")" \
  dev.flagstep.bench.ColdStartBench "$@"
