#!/usr/bin/env python3
"""Times numpy's OpenBLAS GEMM on the shapes of docs/history/perf-gemm.md; prints one JSON object a line.

Usage: OPENBLAS_NUM_THREADS=1 [OPENBLAS_CORETYPE=Haswell] scripts/bench_numpy_gemm.py [--dtype f32|f64]
       [--seconds S] [M N K TRANS ...]
Median over repeated calls after a warm-up, like `inertia bench gemm`.
"""
import json
import os
import sys
import time

import numpy as np

SHAPES = [(1024, 1024, 1024, 'NN'), (128, 1024, 784, 'NN'), (128, 1024, 1024, 'NN'), (784, 1024, 128, 'TN'),
          (1024, 1024, 128, 'TN'), (128, 1024, 1024, 'NT')]


def bench(m, n, k, trans, dtype, seconds):
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (k, m) if trans[0] == 'T' else (m, k)).astype(dtype)
    b = rng.uniform(-1, 1, (n, k) if trans[1] == 'T' else (k, n)).astype(dtype)
    opa = a.T if trans[0] == 'T' else a
    opb = b.T if trans[1] == 'T' else b
    c = np.empty((m, n), dtype=dtype)
    end = time.perf_counter() + seconds / 2
    while time.perf_counter() < end:
        np.matmul(opa, opb, out=c)
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t0 = time.perf_counter()
        np.matmul(opa, opb, out=c)
        times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    return dict(impl='numpy-openblas', coretype=os.environ.get('OPENBLAS_CORETYPE', 'default'),
                threads=os.environ.get('OPENBLAS_NUM_THREADS', 'all'), m=m, n=n, k=k, trans=trans,
                dtype='f64' if dtype == np.float64 else 'f32', gflops=round(2.0 * m * n * k / med / 1e9, 2),
                ms=round(med * 1e3, 4), calls=len(times))


def main():
    args = sys.argv[1:]
    dtype, seconds = np.float32, 3.0
    while args and args[0].startswith('--'):
        if args[0] == '--dtype':
            dtype = np.float64 if args[1] == 'f64' else np.float32
        elif args[0] == '--seconds':
            seconds = float(args[1])
        args = args[2:]
    shapes = SHAPES if not args else [(int(args[i]), int(args[i + 1]), int(args[i + 2]), args[i + 3])
                                      for i in range(0, len(args), 4)]
    for m, n, k, trans in shapes:
        print(json.dumps(bench(m, n, k, trans, dtype, seconds)), flush=True)


if __name__ == '__main__':
    main()
