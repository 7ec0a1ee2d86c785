#!/usr/bin/env bash
# Coverage-guided fuzzing of Inertia's file readers with Jazzer (docs/RELIABILITY.md, "Hostile files").
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     fuzz each target for SECONDS (default 60)
#   scripts/fuzz.sh --seeds                   rewrite the valid seed inputs of the corpus
#   scripts/fuzz.sh --acceptance [N [SEED]]   N mutated IDX and N mutated CSV files (default 10000)
#                                             through the command line's load calls, 5 s limit each
#
# TARGET is one of idx csv json safetensors checkpoint model (default: all six, one after the other).
# FUZZ_SEED (default 1) seeds libFuzzer. Each target's growing corpus is kept in target/fuzz/corpus/,
# crashing and hanging inputs (over 5 s) land in target/fuzz/findings/ and fail the run; copy them
# into the target's directory under src/test/resources/dev/inertia/fuzz/ to replay them in the build.
#
# Why not `JAZZER_FUZZ=1 ./mvnw test`: Jazzer 0.24.0 instruments classes with an ASM that reads class
# files up to Java 23, and the build compiles for Java 25, so surefire would fuzz without coverage
# feedback. This script compiles the readers (everything but the Vector API kernels, which fuzzing
# does not need) for Java 23 into target/fuzz/classes and runs Jazzer's own launcher on them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
jdk=$(find_jdk 25) || { echo "fuzz.sh: needs a JDK 25 (see README)" >&2; exit 1; }

out=target/fuzz
mkdir -p "$out"
./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >&2
cp_deps=$(cat "$out/classpath.txt")
rm -rf "$out/classes"
mkdir -p "$out/classes"
find src/main/java -name '*.java' ! -name module-info.java ! -path '*/kernels/simd/*' > "$out/sources.txt"
find src/test/java/dev/inertia/fuzz -name '*.java' >> "$out/sources.txt"
echo src/test/java/dev/inertia/data/IdxFixtures.java >> "$out/sources.txt"
if ! "$jdk/bin/javac" --release 23 -nowarn -proc:none -cp "$cp_deps" -d "$out/classes" @"$out/sources.txt" \
    > "$out/javac.log" 2>&1; then
  cat "$out/javac.log" >&2
  echo "fuzz.sh: the readers no longer compile for Java 23 (see above); Jazzer 0.24.0 cannot instrument newer" \
    "class files" >&2
  exit 1
fi
cp -r src/main/resources/. "$out/classes/"
run_java() { "$jdk/bin/java" -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
  -cp "$out/classes:$cp_deps" "$@"; }

if [ "${1:-}" = "--seeds" ]; then
  run_java dev.inertia.fuzz.SeedCorpus src/test/resources/dev/inertia/fuzz
  exit 0
fi
if [ "${1:-}" = "--acceptance" ]; then
  shift
  run_java dev.inertia.fuzz.LoadPathAcceptance "$@"
  exit 0
fi
seconds=60
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx csv json safetensors checkpoint model)

status=0
for t in "${targets[@]}"; do
  case $t in
    idx) class=IdxFuzzTest method=idx ;;
    csv) class=CsvFuzzTest method=csv ;;
    json) class=JsonFuzzTest method=json ;;
    safetensors) class=SafeTensorsFuzzTest method=safetensors ;;
    checkpoint) class=CheckpointFuzzTest method=checkpoint ;;
    model) class=ModelFileFuzzTest method=modelFile ;;
    *) echo "fuzz.sh: unknown target '$t' (idx csv json safetensors checkpoint model)" >&2; exit 2 ;;
  esac
  corpus=$out/corpus/$t findings=$out/findings/$t
  mkdir -p "$corpus" "$findings"
  log=$out/$t.log
  echo "fuzzing $t for ${seconds}s (seed ${FUZZ_SEED:-1}; log $log)" >&2
  if ! run_java com.code_intelligence.jazzer.Jazzer --target_class=dev.inertia.fuzz.$class \
      --target_method=$method --instrumentation_includes='dev.inertia.**' --dedup --keep_going=20 \
      -max_total_time="$seconds" -timeout=5 -rss_limit_mb=4096 -seed="${FUZZ_SEED:-1}" \
      -artifact_prefix="$findings/" -print_final_stats=1 \
      "$corpus" > "$log" 2>&1; then
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE "cov: [0-9]+" "$log" | tail -1 || true)
  found=$(find "$findings" -type f | wc -l)
  echo "$t: ${runs:-?} executions, ${rate:-?}/s, ${cov:-cov: ?}, $found finding(s) in $findings" >&2
done
exit $status
