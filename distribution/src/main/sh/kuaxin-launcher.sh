# Shared by ./kuaxin (source checkout) and bin/kuaxin (binary distribution); sourced, not run.
# Finds a JDK 25 and holds the JVM flags the CLI runs with (the same as jvm.flags in the root pom.xml).

kuaxin_java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1; }

# Prints the home of the first JDK 25+ among $JAVA_HOME, /usr/lib/jvm/* and java on PATH.
kuaxin_find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] || continue
    v="$(kuaxin_java_major "$c/bin/java")"
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  if command -v java >/dev/null; then
    v="$(kuaxin_java_major java)"
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return 0; fi
  fi
  return 1
}

# Sets KUAXIN_JDK, or exits with a message saying what to install.
kuaxin_require_jdk() {
  if ! KUAXIN_JDK="$(kuaxin_find_jdk)"; then
    echo "kuaxin: no JDK 25 found. Install one (e.g. Temurin 25) and set JAVA_HOME to it; looked at \$JAVA_HOME, /usr/lib/jvm/* and java on PATH." >&2
    exit 1
  fi
}

KUAXIN_JVM_FLAGS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
                  --add-opens=java.base/java.nio=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# Replaces the shell with the CLI's JVM: kuaxin_exec <java args...> (KUAXIN_JAVA_OPTS adds JVM options).
kuaxin_exec() {
  # shellcheck disable=SC2086 # KUAXIN_JAVA_OPTS is a list of options
  exec "$KUAXIN_JDK/bin/java" "${KUAXIN_JVM_FLAGS[@]}" ${KUAXIN_JAVA_OPTS:-} "$@"
}
