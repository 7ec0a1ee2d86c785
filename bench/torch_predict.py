#!/usr/bin/env python3
"""PyTorch's side of `inertia bench predict`: serving latency of the models of docs/DESIGN.md.

Times `model(x)` under torch.inference_mode() on one batch of random inputs of the model's shape
(freshly initialized weights, PyTorch's default initialization, which Inertia copies), after
untimed warm-up calls, and prints one JSON line with the fields of `inertia bench predict`:
latency_ms_p50 and latency_ms_p99 (nearest rank, as HdrHistogram reports them) and samples_per_s
(batch * calls / their total time). The architectures are scripts/torch_reference.py's.

    /usr/bin/python3 bench/torch_predict.py --model mlp --batch 32 --threads 2 [--iterations 100] [--warmup 20]
"""
import argparse
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from torch_reference import cnn, mlp  # noqa: E402  (one definition of the architectures)


def nearest_rank(sorted_values, percentile):
    """The smallest value with at least `percentile` % of the values at or below it."""
    return sorted_values[max(0, math.ceil(percentile / 100 * len(sorted_values)) - 1)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--iterations", type=int, default=100)
    p.add_argument("--warmup", type=int, default=20)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = {"mlp": mlp, "cnn": cnn}[a.model]().eval()
    shape = (a.batch, 1, 28, 28) if a.model == "cnn" else (a.batch, 784)
    x = torch.rand(shape)  # pixel-like values in [0, 1), as Inertia's benchmark
    times = []
    with torch.inference_mode():
        for i in range(a.warmup + a.iterations):
            t0 = time.perf_counter()
            y = model(x)
            elapsed = time.perf_counter() - t0
            if i >= a.warmup:
                times.append(elapsed)
    if not torch.isfinite(y).all():
        raise SystemExit("torch_predict.py: the model's output is not finite")
    ordered = sorted(times)
    print(json.dumps({"side": "torch", "bench": "predict", "model": a.model, "batch": a.batch,
                      "threads": a.threads, "torch": torch.__version__, "iterations": a.iterations,
                      "latency_ms_p50": round(1000 * nearest_rank(ordered, 50), 3),
                      "latency_ms_p99": round(1000 * nearest_rank(ordered, 99), 3),
                      "samples_per_s": round(a.batch * len(times) / sum(times), 1)}), flush=True)


if __name__ == "__main__":
    main()
