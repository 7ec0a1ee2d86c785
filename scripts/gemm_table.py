#!/usr/bin/env python3
"""Reads the JSON lines of scripts/gemm_compare.sh on stdin; prints a markdown table of the median
GFLOP/s over rounds per shape and implementation, Inertia's ratio to the better OpenBLAS kernel, and
each side's share of the median FP32 peak of the rounds' `bench peak` lines (F64 shares: of half of it)."""
import json
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
order = []
peaks = []
dtypes = set()
for line in sys.stdin:
    line = line.strip()
    if not line.startswith('{'):
        continue
    d = json.loads(line)
    if d.get('bench') == 'peak':
        peaks.append(d['gflops'])
        continue
    dtypes.add(d.get('dtype', 'f32'))
    shape = f"{d['m']}x{d['n']}x{d['k']} {d['trans']}"
    if shape not in order:
        order.append(shape)
    impl = 'inertia' if d.get('bench') == 'gemm' else f"openblas-{d['coretype']}"
    runs[(shape, impl)].append(d['gflops'])

peak = statistics.median(peaks) if peaks else float('nan')
if peaks:
    print(f"FP32 FMA peak (`inertia bench peak`, median of {len(peaks)}): {peak:.1f} GFLOP/s "
          f"(range {min(peaks):.1f}-{max(peaks):.1f})\n")
if 'f64' in dtypes:  # half the lanes per FMA
    peak /= 2
print('| shape | Inertia | OpenBLAS default | OpenBLAS Haswell | Inertia / better OpenBLAS | Inertia % of peak '
      '| better OpenBLAS % of peak | rounds |')
print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for shape in order:
    med = {impl: statistics.median(runs[(shape, impl)]) for impl in ('inertia', 'openblas-default', 'openblas-Haswell')
           if runs[(shape, impl)]}
    best = max(med.get('openblas-default', 0), med.get('openblas-Haswell', 0))
    ratio = med['inertia'] / best if best and 'inertia' in med else float('nan')
    n = len(runs[(shape, 'inertia')])
    print(f"| {shape} | {med.get('inertia', float('nan')):.1f} | {med.get('openblas-default', float('nan')):.1f} | "
          f"{med.get('openblas-Haswell', float('nan')):.1f} | {ratio:.2f} | "
          f"{100 * med.get('inertia', float('nan')) / peak:.0f}% | {100 * best / peak:.0f}% | {n} |")
