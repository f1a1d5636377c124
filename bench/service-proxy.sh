#!/usr/bin/env bash
# One webhook call through the simulated cluster's service proxy next to a direct call on loopback (p50, p99, ratio),
# all on flagstep's WebhookClient, with the proxy's own hop and issue 11's target (proxied <= 1.2 x direct + hop) as
# figures, and what the API front costs an ordinary Kubernetes call. Figures for this machine, one run.
# Usage: bench/service-proxy.sh [calls] [warmup]
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh

cpfile="$PWD/local/target/bench-classpath.txt"
# test-compile is incremental: cheap when the classes are up to date; with -am every module writes the
# file in reactor order, so local's (the last) is what stays
MAVEN_OPTS="${MAVEN_OPTS:-} $JAVA_QUIET_OPTS" ./mvnw ${MVN_OFFLINE--o} -q -B -pl local -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test >/dev/null
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $JAVA_QUIET_OPTS \
  -cp "local/target/test-classes:local/target/classes:$(cat "$cpfile")" \
  dev.flagstep.local.sim.ServiceProxyBench "$@"
