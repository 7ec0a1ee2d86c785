# Sourced by bench/compare.sh and bench/train_vs_torch.sh: the OpenBLAS kernel PyTorch 1.13 gets.
# Debian's OpenBLAS 0.3.21 picks its kernels by CPU model, and a model newer than it (the Intel
# Xeon of family 6 model 207 here) falls back to Prescott, SSE3 only: ~6 GFLOP/s on 1024^3 against
# ~40-50 with an AVX-512 kernel, which would make PyTorch a straw man. So when OpenBLAS reports
# Prescott on a CPU with AVX-512 (or AVX2), the reference runs with OPENBLAS_CORETYPE=SkylakeX (or
# Haswell), and says so on stderr. An OPENBLAS_CORETYPE set by the caller is kept.
# In: OPENBLAS_DIR (may be empty). Out: torch_blas_env, an array of NAME=VALUE for env(1).
torch_blas_env=()
if [ -n "${OPENBLAS_DIR:-}" ]; then
  torch_blas_env+=("LD_LIBRARY_PATH=$OPENBLAS_DIR")
  if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
    torch_blas_env+=("OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
  else
    detected_core=$(env "LD_LIBRARY_PATH=$OPENBLAS_DIR" OPENBLAS_VERBOSE=2 /usr/bin/python3 -c 'import torch' 2>&1 \
      | sed -n 's/^Core: *//p' | head -1)
    if [ "$detected_core" = Prescott ]; then
      forced=""
      if grep -qw avx512f /proc/cpuinfo; then forced=SkylakeX; elif grep -qw avx2 /proc/cpuinfo; then forced=Haswell; fi
      if [ -n "$forced" ]; then
        torch_blas_env+=("OPENBLAS_CORETYPE=$forced")
        echo "# OpenBLAS does not know this CPU (it chose Prescott): PyTorch runs with OPENBLAS_CORETYPE=$forced" >&2
      fi
    fi
  fi
fi
