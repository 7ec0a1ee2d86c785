#!/usr/bin/env python3
"""PyTorch reference for `inertia train` throughput: the models of docs/DESIGN.md on random data.

Prints one JSON object per (model, optimizer, threads): training samples per second over
timed steps after warm-up, and the median step time. Run with Debian's PyTorch:
    /usr/bin/python3 scripts/torch_reference.py [--steps 60] [--models mlp,cnn]
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                         nn.Linear(1024, 10))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(3136, 1024), nn.ReLU(), nn.Linear(1024, 10))


def optimizer(name, params):
    if name == "sgd":
        return torch.optim.SGD(params, lr=0.01, momentum=0.9)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=1e-3)
    raise ValueError(name)


def p99(times):
    """The 99th percentile by nearest rank, as HdrHistogram reports Inertia's step_ms_p99."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--models", default="mlp,cnn")
    p.add_argument("--optimizers", default="sgd,adamw")
    p.add_argument("--threads", default="1,2")
    a = p.parse_args()
    torch.manual_seed(0)
    for model_name in a.models.split(","):
        for opt_name in a.optimizers.split(","):
            for threads in [int(t) for t in a.threads.split(",")]:
                torch.set_num_threads(threads)
                model = {"mlp": mlp, "cnn": cnn}[model_name]()
                opt = optimizer(opt_name, model.parameters())
                loss_fn = nn.CrossEntropyLoss()
                x = torch.randn(a.batch, 1, 28, 28)
                y = torch.randint(0, 10, (a.batch,))
                times = []
                for step in range(a.warmup + a.steps):
                    t0 = time.perf_counter()
                    opt.zero_grad()
                    loss = loss_fn(model(x), y)
                    loss.backward()
                    opt.step()
                    if step >= a.warmup:
                        times.append(time.perf_counter() - t0)
                print(json.dumps({"model": model_name, "optimizer": opt_name, "threads": threads,
                                  "torch": torch.__version__,
                                  "samples_per_s": round(a.batch * len(times) / sum(times), 1),
                                  "step_ms_p50": round(1000 * statistics.median(times), 3),
                                  "step_ms_p99": round(1000 * p99(times), 3)}), flush=True)


if __name__ == "__main__":
    main()
