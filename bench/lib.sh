# Sourced by the bench/*.sh scripts (from the repository's root): a JDK >= 21, then one JVM running a
# bench class on its module's test classpath. Set MVN_OFFLINE= (empty) to let Maven download dependencies.
. scripts/jdk.sh

# bench_java MODULE CLASS [ARGS...]: builds MODULE (and what it needs) and runs CLASS with ARGS.
#   BENCH_GOALS      Maven goals before the classpath is written (default test-compile: incremental, cheap)
#   BENCH_PL         the modules to build (default MODULE)
#   BENCH_CP_PREFIX  entries put before the module's classes
#   BENCH_JAVA_OPTS  extra JVM options
bench_java() {
  local module=$1 main=$2
  shift 2
  # relative: every module of the reactor writes its own file; MODULE's is the one read
  MAVEN_OPTS="${MAVEN_OPTS:-} $JAVA_QUIET_OPTS" ./mvnw ${MVN_OFFLINE--o} -q -B -pl "${BENCH_PL:-$module}" -am \
    ${BENCH_GOALS:-test-compile} dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
  # shellcheck disable=SC2086 # the options are words
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $JAVA_QUIET_OPTS ${BENCH_JAVA_OPTS:-} \
    -cp "${BENCH_CP_PREFIX:+$BENCH_CP_PREFIX:}$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench-classpath.txt")" \
    "$main" "$@"
}
