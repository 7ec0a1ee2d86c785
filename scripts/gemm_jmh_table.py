#!/usr/bin/env python3
"""Summarizes GemmBench JMH JSON results (sample mode) as a markdown table: median (p50) ms per
call turned into GFLOP/s, and the ratio Inertia / OpenBLAS per shape and thread count.
Usage: scripts/gemm_jmh_table.py default.json [haswell.json]"""
import json
import sys


def load(path, tag):
    out = {}
    for r in json.load(open(path)):
        p = r['params']
        impl = r['benchmark'].rsplit('.', 1)[1]
        if impl == 'openblas':
            impl = f'openblas-{tag}'
        ms = r['primaryMetric']['scorePercentiles']['50.0']
        m, n, k = (int(x) for x in p['shape'].split(':')[0].split('x'))
        out[(p['shape'], int(p['threads']), p.get('dtype', 'f32'), impl)] = 2.0 * m * n * k / (ms * 1e6)
    return out


results = load(sys.argv[1], 'default')
if len(sys.argv) > 2:
    results.update(load(sys.argv[2], 'Haswell'))
keys = sorted({(s, t, d) for (s, t, d, _) in results}, key=lambda x: (x[2], x[1], x[0]))
print('| shape | dtype | threads | Inertia | OpenBLAS default | OpenBLAS Haswell | Inertia / better OpenBLAS |')
print('| --- | --- | ---: | ---: | ---: | ---: | ---: |')
for s, t, d in keys:
    g = {impl: results.get((s, t, d, impl)) for impl in ('inertia', 'openblas-default', 'openblas-Haswell')}
    best = max(v for k, v in g.items() if k != 'inertia' and v is not None)
    fmt = lambda v: '' if v is None else f'{v:.1f}'
    print(f"| {s} | {d} | {t} | {fmt(g['inertia'])} | {fmt(g['openblas-default'])} | {fmt(g['openblas-Haswell'])} | "
          f"{g['inertia'] / best:.2f} |")
