#!/usr/bin/env bash
# Per-call overhead of WebhookClient next to a bare java.net.http POST, on a loopback server.
# Usage: bench/webhook.sh [measuredCallsPerSide] [warmupCallsPerSide]
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
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
  [ -n "$JAVA_HOME" ] || { echo "bench/webhook.sh: no JDK >= 21 found (set JAVA_HOME)" >&2; exit 1; }
fi
export JAVA_HOME

core=functions/core
cpfile="$PWD/$core/target/bench-classpath.txt"
# test-compile is incremental: cheap when the classes are up to date
./mvnw ${MVN_OFFLINE--o} -q -B -pl "$core" test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test >/dev/null
exec "$JAVA_HOME/bin/java" -cp "$core/target/test-classes:$core/target/classes:$(cat "$cpfile")" \
  dev.flagstep.bench.WebhookClientBench "$@"
