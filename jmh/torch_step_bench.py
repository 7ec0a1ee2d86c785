"""PyTorch's optimizer step times beside OptimizerStepBench: 10M F32 parameters in 10 tensors.

Usage: /usr/bin/python3 jmh/torch_step_bench.py [--params N] [--tensors K] [--steps S] [--warmup W]
                                                [--optimizer AdamW|SGD-momentum] [--threads T]
Prints one JSON object per (optimizer, threads): median and minimum ms per step. Without
--optimizer / --threads: both optimizers on 1 and 2 threads.
"""
import argparse
import json
import statistics
import time

import torch


def bench(make, params, tensors, steps, warmup, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    ps = [torch.randn(params // tensors, dtype=torch.float32, requires_grad=True) for _ in range(tensors)]
    for p in ps:
        p.grad = torch.randn_like(p) * 1e-3
    opt = make(ps)
    times = []
    for s in range(warmup + steps):
        t0 = time.perf_counter()
        opt.step()
        t1 = time.perf_counter()
        if s >= warmup:
            times.append((t1 - t0) * 1e3)
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--params", type=int, default=10_000_000)
    ap.add_argument("--tensors", type=int, default=10)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--optimizer", choices=["AdamW", "SGD-momentum"])
    ap.add_argument("--threads", type=int)
    a = ap.parse_args()
    makers = {
        "AdamW": lambda ps: torch.optim.AdamW(ps, lr=1e-3),
        "SGD-momentum": lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9),
    }
    for threads in ((a.threads,) if a.threads else (1, 2)):
        for name, make in makers.items():
            if a.optimizer and name != a.optimizer:
                continue
            med, low = bench(make, a.params, a.tensors, a.steps, a.warmup, threads)
            print(json.dumps({"torch": torch.__version__, "optimizer": name, "threads": threads,
                              "params": a.params, "tensors": a.tensors, "ms": round(med, 3),
                              "ms_min": round(low, 3)}), flush=True)


main()
