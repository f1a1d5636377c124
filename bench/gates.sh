#!/usr/bin/env bash
# How soon a rollout parked on a built-in gate resumes once the gate opens, on `flagstep serve --simulate`.
# The tests prove the gate's token resumed it; this prints how fast, on this machine.
# Usage: bench/gates.sh [rollouts]
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
  dev.flagstep.local.serve.GateResumeBench "$@"
