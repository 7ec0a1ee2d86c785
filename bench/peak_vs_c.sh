#!/usr/bin/env bash
# The FP32 FMA peak of one core from Java (inertia bench peak) against the same loop in C
# (bench/fma_peak.c, gcc -O2 -march=native), alternating ROUNDS times (default 3) so that both see
# the same machine; prints every run's JSON line, then the medians and their ratio.
# Usage: bench/peak_vs_c.sh [ROUNDS]      (needs gcc; builds the jar if missing)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -march=native -o "$work/fma_peak" "$root/bench/fma_peak.c"
java_runs=() c_runs=()
for ((r = 1; r <= rounds; r++)); do
  c=$("$work/fma_peak" 3)
  j=$("$root/inertia" bench peak --threads 1 --measure-ms 3000 --json 2>/dev/null | head -1)
  echo "$c"; echo "$j"
  c_runs+=("$(sed -E 's/.*"gflops": ([0-9.]+).*/\1/' <<<"$c")")
  java_runs+=("$(sed -E 's/.*"gflops": ([0-9.]+),.*/\1/' <<<"$j")")
done
python3 - "${c_runs[*]}" "${java_runs[*]}" <<'PY'
import statistics, sys
c = [float(x) for x in sys.argv[1].split()]
j = [float(x) for x in sys.argv[2].split()]
mc, mj = statistics.median(c), statistics.median(j)
print(f'{{"summary": "peak", "c_gflops_median": {mc:.1f}, "java_gflops_median": {mj:.1f}, "java_over_c": {mj / mc:.3f}}}')
PY
