#!/usr/bin/env bash
# Builds (once, or when a source changed) and runs the DJL peer of Inertia's benchmarks.
# Usage: bench/djl/run.sh --threads T step --model mlp|cnn --optimizer sgd|adamw [--steps N] [--warmup N]
#        bench/djl/run.sh --threads T predict --model mlp|cnn --batch B [--iterations N] [--warmup N]
# Prints one JSON line. Offline: libtorch comes from the pytorch-native-cpu jar on the class
# path (unpacked by DJL into ~/.djl.ai/pytorch on first use); nothing is downloaded at run time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads=""
if [ "${1:-}" = "--threads" ]; then threads="$2"; shift 2; fi
. "$root/scripts/find-jdk.sh"
jdk=$(find_jdk 25) || { echo "bench/djl/run.sh: needs a JDK 25 or newer" >&2; exit 1; }
stamp="$here/target/classes/.built"
if [ ! -f "$stamp" ] || [ -n "$(find "$here/src" "$here/pom.xml" -newer "$stamp" -print -quit)" ]; then
  (cd "$root" && ./mvnw -q -f bench/djl/pom.xml package -DskipTests) >&2
  touch "$stamp"
fi
props=(--enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
if [ -n "$threads" ]; then
  export OMP_NUM_THREADS="$threads"
  # intra-op threads; one inter-op thread, since every benchmark runs one op at a time
  props+=(-Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1)
fi
exec "$jdk/bin/java" "${props[@]}" -cp "$here/target/classes:$here/target/lib/*" dev.inertia.bench.djl.DjlBench "$@"
