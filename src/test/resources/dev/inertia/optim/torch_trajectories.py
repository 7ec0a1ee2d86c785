"""Runs torch.optim on trajectories described on stdin; used by TorchComparisonTest.

Input (one JSON object): {"cases": [{"optimizer": "AdamW"|"SGD"|"RMSprop", "hyper": {...},
"lrs": [lr per step], "theta0": [hex floats], "grads": [[hex floats] per step]}, ...]}.
Output: for each case, one line per step with theta after that step as space-separated hex floats.
Everything is float64, so the only differences from Inertia are rounding-order ones.
"""
import json
import sys

import torch


def make(name, params, hyper):
    if name == "AdamW":
        return torch.optim.AdamW(params, lr=hyper["lr"], betas=(hyper["beta1"], hyper["beta2"]),
                                 eps=hyper["eps"], weight_decay=hyper["weight_decay"])
    if name == "SGD":
        return torch.optim.SGD(params, lr=hyper["lr"], momentum=hyper["momentum"], dampening=hyper["dampening"],
                               nesterov=bool(hyper["nesterov"]), weight_decay=hyper["weight_decay"])
    if name == "RMSprop":
        return torch.optim.RMSprop(params, lr=hyper["lr"], alpha=hyper["alpha"], eps=hyper["eps"],
                                   momentum=hyper["momentum"], weight_decay=hyper["weight_decay"])
    raise ValueError(name)


def main():
    spec = json.load(sys.stdin)
    out = []
    for case in spec["cases"]:
        theta = torch.tensor([float.fromhex(x) for x in case["theta0"]], dtype=torch.float64, requires_grad=True)
        opt = make(case["optimizer"], [theta], case["hyper"])
        for lr, grad in zip(case["lrs"], case["grads"]):
            for group in opt.param_groups:
                group["lr"] = lr
            theta.grad = torch.tensor([float.fromhex(x) for x in grad], dtype=torch.float64)
            opt.step()
            out.append(" ".join(float(x).hex() for x in theta.detach().tolist()))
    sys.stdout.write("\n".join(out) + "\n")


main()
