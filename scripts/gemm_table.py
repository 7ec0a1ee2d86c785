#!/usr/bin/env python3
"""Reads the JSON lines of scripts/gemm_compare.sh on stdin; prints a markdown table of the median
GFLOP/s over rounds per shape and implementation, and Inertia's ratio to the better OpenBLAS kernel."""
import json
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
order = []
for line in sys.stdin:
    line = line.strip()
    if not line.startswith('{'):
        continue
    d = json.loads(line)
    shape = f"{d['m']}x{d['n']}x{d['k']} {d['trans']}"
    if shape not in order:
        order.append(shape)
    impl = 'inertia' if d.get('bench') == 'gemm' else f"openblas-{d['coretype']}"
    runs[(shape, impl)].append(d['gflops'])

print('| shape | Inertia | OpenBLAS default | OpenBLAS Haswell | Inertia / better OpenBLAS | rounds |')
print('| --- | ---: | ---: | ---: | ---: | ---: |')
for shape in order:
    med = {impl: statistics.median(runs[(shape, impl)]) for impl in ('inertia', 'openblas-default', 'openblas-Haswell')
           if runs[(shape, impl)]}
    best = max(med.get('openblas-default', 0), med.get('openblas-Haswell', 0))
    ratio = med['inertia'] / best if best and 'inertia' in med else float('nan')
    n = len(runs[(shape, 'inertia')])
    print(f"| {shape} | {med.get('inertia', float('nan')):.1f} | {med.get('openblas-default', float('nan')):.1f} | "
          f"{med.get('openblas-Haswell', float('nan')):.1f} | {ratio:.2f} | {n} |")
