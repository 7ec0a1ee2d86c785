#!/usr/bin/env bash
# Side-by-side single-thread GEMM: numpy's OpenBLAS (default kernel and OPENBLAS_CORETYPE=Haswell)
# and `inertia bench gemm`, interleaved shape by shape, ROUNDS times, each round opened by
# `inertia bench peak` (the FP32 FMA peak of THREADS threads, which the table divides by: the
# host's speed moves from hour to hour); prints JSON lines (one per measurement) on stdout. Each
# figure is a median over repeated calls after a warm-up.
# Usage: scripts/gemm_compare.sh [ROUNDS] [THREADS] [DTYPE]   (then scripts/gemm_table.py < output)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=${1:-2}; threads=${2:-1}; dtype=${3:-f32}
shapes=("1024 1024 1024 NN" "128 1024 784 NN" "128 1024 1024 NN" "784 1024 128 TN" "1024 1024 128 TN" "128 1024 1024 NT")
[ "$dtype" = f64 ] && shapes=("1024 1024 1024 NN")
for round in $(seq "$rounds"); do
  "$root/inertia" bench peak --threads "$threads" --json 2>/dev/null | tail -1
  for s in "${shapes[@]}"; do
    set -- $s
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" \
      python3 "$root/scripts/bench_numpy_gemm.py" --dtype "$dtype" --seconds 3 "$1" "$2" "$3" "$4"
    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=Haswell OPENBLAS_NUM_THREADS="$threads" \
      python3 "$root/scripts/bench_numpy_gemm.py" --dtype "$dtype" --seconds 3 "$1" "$2" "$3" "$4"
    "$root/inertia" bench gemm --m "$1" --n "$2" --k "$3" --trans "$4" --dtype "$dtype" --threads "$threads" \
      --warmup-ms 8000 --measure-ms 4000 --json 2>/dev/null
  done
done
