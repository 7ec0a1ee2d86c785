#!/usr/bin/env bash
# Training throughput of `inertia train` beside PyTorch on the same models, batch and optimizer,
# interleaved in one session (the machine is shared: run it twice and compare medians).
# Usage: bench/train_vs_torch.sh [steps] ; needs python3-torch for the PyTorch side.
# OpenBLAS for PyTorch: set OPENBLAS_DIR to a directory holding libopenblas.so.0 / libblas.so.3
# (e.g. `apt-get download libopenblas0-openmp && dpkg -x libopenblas0-openmp_*.deb /tmp/openblas/root`,
# then OPENBLAS_DIR=/tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-openmp).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-200}"
torch_env=()
if [ -n "${OPENBLAS_DIR:-}" ]; then
  torch_env=(env "LD_LIBRARY_PATH=$OPENBLAS_DIR")
fi
have_torch=0
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then have_torch=1; fi

for threads in 1 2; do
  for run in "mlp sgd" "mlp adamw" "mlp innaprop" "cnn sgd"; do
    set -- $run
    model=$1 opt=$2
    "$root/inertia" train --model "$model" --optimizer "$opt" --threads "$threads" --max-steps "$steps" \
      --epochs 1 --json 2>/dev/null | sed "s/^/inertia /"
    if [ "$have_torch" = 1 ] && [ "$opt" != innaprop ]; then
      "${torch_env[@]}" /usr/bin/python3 "$root/scripts/torch_reference.py" --models "$model" --optimizers "$opt" \
        --threads "$threads" --steps 60 | sed "s/^/torch   /"
    fi
  done
done
