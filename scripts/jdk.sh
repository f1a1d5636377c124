# Sourced by ./flagstep, .ci/run and ./mvnw: exports JAVA_HOME/PATH for a JDK >= 21 (the build
# compiles with --release 21): JAVA_HOME if it is one, else the newest JDK >= 21 in the usual places,
# else the one on PATH. With none, it stops (exit 2) saying which JDK it found and how to set JAVA_HOME.
#   JDK_KEEP_CURRENT=1   keep the JDK a plain `mvn` would run (JAVA_HOME's, else PATH's) when it is
#                        >= 21 (./mvnw: it only steps in when that one is too old)
#   FLAGSTEP_JDK_DIRS    where to look for JDKs, space-separated parent directories
# POSIX sh (./mvnw is #!/bin/sh); the caller must allow globbing while sourcing it.
# Sets jdk_major to the Java version of JDK home $1 (0 if unknown). The last answer is kept: starting a
# JVM to ask costs a fraction of a second, and ./mvnw asks on every run.
jdk_major_of() {
  [ "$1" = "${jdk_major_home:-}" ] && return 0
  jdk_major=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  # JDK 8 and older say 1.8: their major is below 21 either way
  jdk_major=${jdk_major%%.*}
  jdk_major=${jdk_major:-0}
  jdk_major_home=$1
}

java_major() {
  jdk_major_of "$1"
  echo "$jdk_major"
}

is_jdk21() {
  [ -n "${1:-}" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && jdk_major_of "$1" && [ "$jdk_major" -ge 21 ] 2>/dev/null
}

# The JDK home of the java on PATH (empty if there is none).
path_jdk() {
  command -v java >/dev/null 2>&1 || return 0
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

# What a plain `mvn` would run: JAVA_HOME, else PATH's java.
current_jdk() {
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME"; else path_jdk; fi
}

describe_jdk() {
  if [ -x "$1/bin/java" ]; then echo "$1 (JDK $(java_major "$1"))"; else echo "$1 (no bin/java there)"; fi
}

jdk_dirs() {
  echo "${FLAGSTEP_JDK_DIRS:-/usr/lib/jvm /opt/java /usr/local/java /Library/Java/JavaVirtualMachines ${HOME:-/nonexistent}/.sdkman/candidates/java}"
}

pick_jdk() {
  if is_jdk21 "${JAVA_HOME:-}"; then
    echo "$JAVA_HOME"; return 0
  fi
  jdk_best="" jdk_best_v=0
  for jdk_parent in $(jdk_dirs); do
    for jdk_d in "$jdk_parent"/* "$jdk_parent"/*/Contents/Home; do
      [ -x "$jdk_d/bin/javac" ] || continue
      jdk_dv=$(java_major "$jdk_d")
      if [ "$jdk_dv" -ge 21 ] 2>/dev/null && [ "$jdk_dv" -gt "$jdk_best_v" ]; then jdk_best="$jdk_d"; jdk_best_v=$jdk_dv; fi
    done
  done
  if [ -z "$jdk_best" ] && is_jdk21 "$(path_jdk)"; then
    jdk_best=$(path_jdk)
  fi
  if [ -z "$jdk_best" ]; then
    {
      echo "${0##*/}: flagstep needs a JDK 21 or newer (it compiles with --release 21), and found none:"
      [ -z "${JAVA_HOME:-}" ] || echo "  JAVA_HOME=$(describe_jdk "$JAVA_HOME")"
      if [ -n "$(path_jdk)" ]; then echo "  java on PATH: $(describe_jdk "$(path_jdk)")"; else echo "  java on PATH: none"; fi
      echo "  no JDK >= 21 under: $(jdk_dirs)"
      echo "Install JDK 21 or newer (e.g. Temurin 21) and point JAVA_HOME at it:"
      echo "  export JAVA_HOME=/path/to/jdk-21    # Linux: a directory under /usr/lib/jvm; macOS: \$(/usr/libexec/java_home -v 21)"
    } >&2
    return 1
  fi
  echo "$jdk_best"
}

jdk_current="$(current_jdk)"
if [ "${JDK_KEEP_CURRENT:-}" = 1 ] && is_jdk21 "$jdk_current"; then
  JAVA_HOME="$jdk_current"
else
  JAVA_HOME="$(pick_jdk)" || exit 2
  if [ "${JDK_KEEP_CURRENT:-}" = 1 ]; then
    echo "${0##*/}: $(if [ -n "$jdk_current" ]; then describe_jdk "$jdk_current"; else echo "no java on PATH"; fi)" \
      "is too old to build flagstep; using $(describe_jdk "$JAVA_HOME") (set JAVA_HOME to choose)" >&2
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# JDK 24+ warns on every sun.misc.Unsafe use by Maven's and netty's libraries; allow it quietly there
# (the flag does not exist before JDK 23, so it is only added where it is understood).
JAVA_QUIET_OPTS=""
jdk_major_of "$JAVA_HOME"
if [ "$jdk_major" -ge 24 ] 2>/dev/null; then
  JAVA_QUIET_OPTS="--sun-misc-unsafe-memory-access=allow"
fi
export JAVA_QUIET_OPTS
