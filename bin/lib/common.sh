# Shared by bin/*: finds the repository root and a JDK 25. Sourced, not run.

FLOTILLA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Sets JAVA_HOME to a JDK 25 or newer: $JAVA_HOME when it is one, else /usr/lib/jvm/*25*
# (then any newer JDK there). Exits with a clear message when none is found.
flotilla_find_java() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    # The JDK's release file names its version without starting a JVM (which costs 40 ms or more).
    version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release" 2>/dev/null || true)"
    [ -n "$version" ] ||
      version="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    case "$version" in
      ''|1.*|[0-9]|1[0-9]|2[0-4]) continue ;;
    esac
    export JAVA_HOME="$candidate"
    return 0
  done
  echo "flotilla: no JDK 25 found. Set JAVA_HOME to a JDK 25 or newer (looked at \$JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/*)." >&2
  exit 2
}
