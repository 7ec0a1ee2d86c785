#!/usr/bin/env bash
# The warm-up tax (docs/PERFORMANCE.md, "Warm-up"): runs `./inertia train` with and without the
# kernel warm-up (COMPARE=warmup, the default; INERTIA_WARMUP=off|on) or the launcher's AOT cache
# (COMPARE=cache; INERTIA_AOT=off|on), alternately, ROUNDS times per configuration, and prints one line per run:
# the configuration, first_step_ms, samples_per_s over the run, step_ms_p50, the steady-state
# samples/s (batch / p50), the wall time of the whole command (JVM start to exit) and its CPU time
# (user + system, all threads: JIT compilation included; steadier than wall time on a busy machine).
#
# Usage: bench/warmup.sh [ROUNDS] [MODEL] [STEPS]   (defaults: 3 mlp 300)
# Environment: DATA (default ../shared/data/fashion-mnist), COMPARE (warmup or cache), EXTRA_OPTS: JVM
# flags of a third configuration ("opts": with the warm-up and the cache) to compare, e.g.
# EXTRA_OPTS=-XX:CompileThresholdScaling=0.5. Ends with the medians of each configuration's runs.
# Runs niced: the machine is shared. The cache is recorded (or found) before the first round.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3} model=${2:-mlp} steps=${3:-300}
data=${DATA:-../shared/data/fashion-mnist}
train=(train --model "$model" --max-steps "$steps" --data-dir "$data" --json)

nice -n 10 ./inertia info >/dev/null # records the cache when it is missing or stale

compare=${COMPARE:-warmup}
case "$compare" in
  warmup) configs=("no-warmup INERTIA_WARMUP=off" "warmup INERTIA_WARMUP=on") ;;
  cache) configs=("no-cache INERTIA_AOT=off" "cache INERTIA_AOT=on") ;;
  *) echo "bench/warmup.sh: COMPARE is warmup or cache, got $compare" >&2; exit 2 ;;
esac
if [ -n "${EXTRA_OPTS:-}" ]; then
  configs+=("opts INERTIA_JAVA_OPTS=$EXTRA_OPTS")
fi

cpu_file=$(mktemp)
lines=$(mktemp)
trap 'rm -f "$cpu_file" "$lines"' EXIT

field() { sed -n "s/.*\"$1\": \([0-9.eE+-]*\).*/\1/p"; }

run() { # $1: label; the rest: environment assignments
  local label=$1 line t0 t1
  shift
  t0=$(date +%s%N)
  line=$(env "$@" nice -n 10 /usr/bin/time -f 'cpu %U %S' -o "$cpu_file" ./inertia "${train[@]}" 2>/dev/null | tail -n 1)
  t1=$(date +%s%N)
  local cpu
  cpu=$(awk '/^cpu/ { print $2 + $3 }' "$cpu_file")
  local p50 sps first
  p50=$(field step_ms_p50 <<<"$line")
  sps=$(field samples_per_s <<<"$line")
  first=$(field first_step_ms <<<"$line")
  awk -v l="$label" -v f="$first" -v s="$sps" -v p="$p50" -v w="$(((t1 - t0) / 1000000))" -v c="$cpu" 'BEGIN {
    printf "%-8s first_step_ms %9.1f  samples_per_s %7.0f  step_ms_p50 %7.2f  steady %7.0f  ratio %.3f  wall_s %6.2f  cpu_s %6.2f\n",
      l, f, s, p, 128000 / p, s / (128000 / p), w / 1000, c }' | tee -a "$lines"
}

echo "# $model, $steps steps, $rounds rounds, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
  for config in "${configs[@]}"; do
    # shellcheck disable=SC2086 # a label, then environment assignments (EXTRA_OPTS may hold spaces)
    run ${config%% *} "${config#* }"
  done
done
echo "# medians; load $(cut -d' ' -f1-3 /proc/loadavg)"
for config in "${configs[@]}"; do
  label=${config%% *}
  for col in 3 5 7 11 13 15; do
    awk -v l="$label" -v c=$col '$1 == l { print $c }' "$lines" | sort -g |
      awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s ", m }'
  done | awk -v l="$label" '{ printf "%-9s first_step_ms %s  samples_per_s %s  step_ms_p50 %s  ratio %s  wall_s %s  cpu_s %s\n", l, $1, $2, $3, $4, $5, $6 }'
done
