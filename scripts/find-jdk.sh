# Sourced by ./inertia and jmh/run: finds an installed JDK whose feature version is at least $1.
# Looks in JAVA_HOME, the java on PATH, /usr/lib/jvm, ~/.sdkman and ~/.jdks; prints the newest
# match's home directory, or nothing (and returns 1) when there is none.

jdk_feature_version() { # $1: a JDK home; prints e.g. 25
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  v=${v#1.}
  v=${v%%[.+-]*}
  [ -n "$v" ] && echo "$v"
}

find_jdk() { # $1: the minimum feature version
  local min=$1 best="" best_v=0 c v on_path=""
  if command -v java >/dev/null 2>&1; then
    on_path=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  for c in "${JAVA_HOME:-}" "$on_path" /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    v=$(jdk_feature_version "$c") || continue
    if [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then
      best=$c
      best_v=$v
    fi
  done
  [ -n "$best" ] && echo "$best"
}
