# Sourced by ./inertia: the JDK's ahead-of-time cache (JEP 483 class loading and linking, JEP 514's
# one-step -XX:AOTCacheOutput) for the launcher's JVM, kept in target/inertia.aot.
#
# Why the launcher and not the build: the cache is only valid for one JDK, one class path and one
# set of JVM flags, and only the launcher knows all three (the JDK it found, INERTIA_JAVA_OPTS);
# recording it in `./mvnw package` would also add a training run to every build. So the first run
# after a build records it (one line on stderr, ~10-40 s of CPU) and later runs use it.
#
# What keys it: the JDK (path, size and time of lib/modules), the jar and target/lib's jars (names,
# sizes, times), INERTIA_JAVA_OPTS and the cache's own size and time, in target/inertia.aot.key.
# Anything else (a new jar, another JDK, other flags, a truncated or replaced cache) means a new
# recording; a recording that fails leaves a log and the run goes on without a cache. Either case
# prints one line on stderr. INERTIA_AOT=off runs without the cache; INERTIA_AOT_RUN is the inertia
# command line the cache is recorded from (default: warmup).

# aot_cache_flags JDK ROOT FLAGS...: sets the array aot_flags to the flags that use the cache
# (empty when there is none); FLAGS are the JVM flags of the run, which the recording must share.
aot_cache_flags() {
  local jdk=$1 root=$2
  shift 2
  aot_flags=()
  [ "${INERTIA_AOT:-on}" = off ] && return 0
  # the keys below use GNU stat; elsewhere (macOS, BSD) the launcher runs without a cache
  stat -c %s "$jdk/lib/modules" >/dev/null 2>&1 || return 0
  local aot="$root/target/inertia.aot" jar="$root/target/inertia.jar"
  local inputs key
  # JVM messages about the cache would go to stdout and break --json output: stderr, errors only.
  local quiet=(-Xlog:aot*=off,cds*=off -Xlog:aot=error,cds=error:stderr)
  inputs=$(stat -c '%n %s %Y' "$jdk/lib/modules" "$jar" "$root"/target/lib/*.jar 2>/dev/null | cksum)
  key="v1 $jdk ${INERTIA_JAVA_OPTS:-} ${INERTIA_AOT_RUN:-warmup} $inputs"
  local stamp=""
  [ -f "$aot" ] && stamp=$(stat -c '%s %Y' "$aot")
  local recorded=""
  [ -f "$aot.key" ] && recorded=$(cat "$aot.key" 2>/dev/null || true)
  if [ -n "$stamp" ] && [ "$recorded" = "$key $stamp" ]; then
    aot_flags=("${quiet[@]}" "-XX:AOTCache=$aot")
    return 0
  fi
  if [ "$recorded" = "$key failed" ]; then
    echo "inertia: running without the AOT cache (recording it failed for this build; see target/inertia.aot.log)" >&2
    return 0
  fi
  local why="none yet"
  [ -n "$stamp" ] && why="stale or damaged: the jar, the JDK, INERTIA_JAVA_OPTS or the file changed"
  # one line whatever happens: the outcome completes it
  printf '%s' "inertia: recording the AOT cache target/inertia.aot ($why; once per build, INERTIA_AOT=off skips it)..." >&2
  local tmp="$aot.$$.tmp"
  # shellcheck disable=SC2086 # INERTIA_AOT_RUN is a command line, split into words on purpose
  if [ -w "$root/target" ] && "$jdk/bin/java" "$@" "-XX:AOTCacheOutput=$tmp" -cp "$jar:$root/target/lib/*" dev.inertia.cli.Main \
        ${INERTIA_AOT_RUN:-warmup} >"$aot.log" 2>&1 \
      && "$jdk/bin/java" "$@" "-XX:AOTCache=$tmp" -XX:AOTMode=on -cp "$jar:$root/target/lib/*" \
        dev.inertia.cli.Main --version >>"$aot.log" 2>&1 \
      && mv -f "$tmp" "$aot"; then
    # -XX:AOTMode=on above refuses to start unless the JVM maps the new cache with these flags
    echo "$key $(stat -c '%s %Y' "$aot")" >"$aot.key" 2>/dev/null || true
    aot_flags=("${quiet[@]}" "-XX:AOTCache=$aot")
    echo " done" >&2
  else
    rm -f "$tmp" "$tmp.config" "$aot" 2>/dev/null || true
    echo "$key failed" >"$aot.key" 2>/dev/null || true # a read-only target/: say so on every run
    echo " failed (see target/inertia.aot.log, if target/ is writable); running without it" >&2
  fi
}
