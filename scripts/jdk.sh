# Sourced by ./flagstep and .ci/run: exports JAVA_HOME/PATH for a JDK >= 21
# (JAVA_HOME if it is one, else the newest JDK under /usr/lib/jvm).
java_major() {
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  echo "${v%%.*}"
}

pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/* /opt/java/* /usr/local/java/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best="$d"; best_v=$v; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(java_major "$d"); [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null && best="$d"
  fi
  [ -n "$best" ] || { echo "flagstep needs a JDK 21 or newer: install one or set JAVA_HOME" >&2; return 1; }
  echo "$best"
}

JAVA_HOME="$(pick_jdk)" || exit 2
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# JDK 24+ warns on every sun.misc.Unsafe use by Maven's and netty's libraries; allow it quietly there
# (the flag does not exist before JDK 23, so it is only added where it is understood).
JAVA_QUIET_OPTS=""
if [ "$(java_major "$JAVA_HOME")" -ge 24 ] 2>/dev/null; then
  JAVA_QUIET_OPTS="--sun-misc-unsafe-memory-access=allow"
fi
export JAVA_QUIET_OPTS
