#!/usr/bin/env bash
# Data-parallel training on Spark (inertia-spark) against one process: trains the mlp of
# docs/DESIGN.md on Fashion-MNIST for one epoch with the plain Trainer on one thread (an untimed
# warm-up, then three timed runs: their median is the reference), then two such trainers at once
# on two threads (what this machine gives two workers without Spark), then on Spark in local[2]
# (two task threads in this JVM) and local-cluster[2,1,1536] (two executor JVMs, as a real cluster
# runs), each after an untimed short fit, with exact gradient averaging and local SGD at K = 1, 8,
# 32 and 128, two workers of one thread each, batch 64 per worker. Prints one JSON line per Spark
# run (mode, workers, sync_every, rounds, samples_per_s, single_process_samples_per_s,
# scaling_efficiency, concurrent_efficiency, test_acc, single_process_test_acc, bytes_per_round,
# sync_ms_p50, compute_ms_p50, spark_conf, ...); progress and Spark's warnings go to stderr. The
# sessions set spark.broadcast.compress=false and spark.task.maxDirectResultSize=128m
# (--spark-defaults leaves Spark's defaults; docs/spark.md, "Spark settings"). The exact and K = 1
# rows take 468 rounds per master and most of the ~12 minutes of the default run; `--runs
# 'local:8,local:32,local:128,exact@64,local:1@64'` is the short form.
#
# Usage: bench/spark_vs_single.sh [SparkBench flags]      (no flags: the table of docs/spark.md)
# SPARK_BENCH_JAVA_OPTS adds JVM flags (e.g. -Xmx8g); Spark settings go in --conf KEY=VALUE.
#   e.g. bench/spark_vs_single.sh --csv ../shared/data/tabular/digits.csv --target digit --epochs 10
#        bench/spark_vs_single.sh --masters 'local[2]' --runs local:16 --epochs 3
# Data: the first of ../shared/data/fashion-mnist and /usr/share/datasets/fashion-mnist that exists,
# unless the flags name one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/find-jdk.sh
jdk="$(find_jdk 25)" || { echo "spark_vs_single.sh: needs a JDK >= 25 (JAVA_HOME, PATH or /usr/lib/jvm)" >&2; exit 1; }

data_flags=()
if [[ " $* " != *" --data-dir "* && " $* " != *" --csv "* ]]; then
  for d in "$root/../shared/data/fashion-mnist" /usr/share/datasets/fashion-mnist; do
    if [ -f "$d/train-images-idx3-ubyte.gz" ] || [ -f "$d/train-images-idx3-ubyte" ]; then
      data_flags=(--data-dir "$d")
      break
    fi
  done
  if [ ${#data_flags[@]} -eq 0 ]; then
    echo "spark_vs_single.sh: no Fashion-MNIST in ../shared/data/fashion-mnist or /usr/share/datasets/fashion-mnist;" \
      "pass --data-dir DIR or --csv FILE --target COLUMN" >&2
    exit 1
  fi
fi

# The library into the local repository, then inertia-spark and its class path (Spark included);
# SPARK_BENCH_NO_BUILD=1 reuses the last build (to run while another build uses target/).
if [ -z "${SPARK_BENCH_NO_BUILD:-}" ]; then
  ./mvnw -q install -DskipTests >&2
  ./mvnw -q -f spark/pom.xml package -DskipTests dependency:build-classpath -Dmdep.includeScope=compile \
    -Dmdep.outputFile=target/classpath.txt >&2
fi
jvm_options="$(./mvnw -q -f spark/pom.xml help:evaluate -Dexpression=spark.jvm.options -DforceStdout)"
# A private copy of the jars: a rebuild during the run must not change the classes that executor
# JVMs started later load.
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/spark_vs_single.XXXXXX")"
trap 'rm -rf "$run_dir"' EXIT
cp spark/target/inertia-spark.jar target/inertia.jar "$run_dir/"
classpath="$run_dir/inertia-spark.jar:$run_dir/inertia.jar"
while IFS= read -r -d: entry || [ -n "$entry" ]; do
  case "$entry" in */dev/inertia/inertia/*) ;; *) classpath="$classpath:$entry" ;; esac
done < <(tr -d '\n' < spark/target/classpath.txt)

# Executors of local-cluster are launched by Spark's in-process workers, whose command builder
# wants a SPARK_HOME with a jars/ directory and the Scala version; the executors get this JVM's
# class path and flags instead (SparkBench sets them).
export SPARK_HOME="${SPARK_HOME:-$run_dir/spark-home}"
mkdir -p "$SPARK_HOME/jars"
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# shellcheck disable=SC2086  # the options are separate flags
"$jdk/bin/java" -Xmx4g -XX:+UseParallelGC --add-modules=jdk.incubator.vector -Dinertia.threads=1 $jvm_options ${SPARK_BENCH_JAVA_OPTS:-} \
  "-Dinertia.spark.executorJavaOptions=$jvm_options" -Dlog4j2.configurationFile=spark/bench-log4j2.properties \
  -cp "$classpath" dev.inertia.spark.SparkBench "${data_flags[@]}" "$@"
