#!/usr/bin/env bash
# Many canaries rolling out at once on the local runtime (the real state machine in the interpreter,
# DynamoDB Local, the simulated cluster, loopback receivers that answer at once): per-tick engine
# overhead beyond the webhook and Kubernetes round trips (p50, p99), DynamoDB calls and bytes per tick,
# Step Functions transitions per rollout, next to the targets in docs/deploy.md. Figures, not pass/fail.
# Usage: bench/scale.sh [counts] [speed]      (default: 1,50,200 at speed 20)
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh

cpfile="$PWD/local/target/bench-classpath.txt"
MAVEN_OPTS="${MAVEN_OPTS:-} $JAVA_QUIET_OPTS" ./mvnw ${MVN_OFFLINE--o} -q -B -pl local -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test >/dev/null
# bench/scale-classpath registers DynamoCallCounter as the SDK's global interceptor, for this JVM only
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $JAVA_QUIET_OPTS -Xmx1g \
  -cp "bench/scale-classpath:local/target/test-classes:local/target/classes:$(cat "$cpfile")" \
  dev.flagstep.local.e2e.ScaleBench "$@"
