# Shared by the scripts in deploy/local: where the repository is, building what is missing or stale,
# and running a class of the tools (deploy/tools) with the JVM flags Flink 1.12 needs on Java 17.
# Sourced, not run.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
classpath_file="$root/deploy/tools/target/runtime.classpath"
stamp="$root/deploy/tools/target/.local-build-stamp"

# (Re)builds the modules and the broker jars when they are missing or older than any source.
# CALLSTITCH_SKIP_BUILD=1 skips it: for callers that have just built everything (the end-to-end tests).
callstitch_build() {
  [[ "${CALLSTITCH_SKIP_BUILD:-0}" == "1" ]] && return 0
  local stale=""
  if [[ ! -f "$stamp" || ! -s "$classpath_file" ]]; then
    stale="yes"
  else
    stale="$(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -name '*.avsc' -o -name '*.properties' \) -newer "$stamp" -print -quit)"
  fi
  if [[ -n "$stale" ]]; then
    echo "Building callstitch (mvn install -DskipTests; the first build downloads dependencies) ..." >&2
    # the tools module's build also writes its runtime classpath to $classpath_file
    (cd "$root" && mvn -q -B -Dstyle.color=never install -DskipTests -pl deploy/kafka-broker,deploy/zipkin-server,deploy/tools -am >&2)
    touch "$stamp"
  fi
}

# The flags of the parent pom's java17.flags property: one list, read from one place.
callstitch_java_flags() {
  sed -n 's:.*<java17.flags>\(.*\)</java17.flags>.*:\1:p' "$root/pom.xml"
}

# The child-JVM helper the local infrastructure shares (io.callstitch.infra.ChildJvm: start, alive, stop),
# for the scripts: a pid is only signalled after it checks what the process runs.
callstitch_child_jvm() {
  local classes="$root/deploy/infra/target/classes"
  [[ -f "$classes/io/callstitch/infra/ChildJvm.class" ]] || callstitch_build
  "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx64m -XX:TieredStopAtLevel=1 -cp "$classes" io.callstitch.infra.ChildJvm "$@"
}

# Runs a short main class of the tools and returns (for output a script reads, e.g. ShellDefaults).
callstitch_print() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  "$java" -Xmx128m -cp "$root/deploy/tools/target/classes:$(cat "$classpath_file")" "$@"
}

# Runs a main class of the tools (deploy/tools).
callstitch_run() {
  local main="$1"
  shift
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  # shellcheck disable=SC2046
  # shellcheck disable=SC2086
  exec "$java" $(callstitch_java_flags) -Xmx"${CALLSTITCH_HEAP:-2g}" ${CALLSTITCH_JAVA_OPTS:-} \
    -Dcallstitch.kafka.libs="$root/deploy/kafka-broker/target/lib" \
    -Dcallstitch.zipkin.jar="$root/deploy/zipkin-server/target/zipkin-server.jar" \
    -cp "$root/deploy/tools/target/classes:$(cat "$classpath_file")" "$main" "$@"
}
