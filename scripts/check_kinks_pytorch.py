#!/usr/bin/env python3
"""Prints what PyTorch returns at each kink that Kinks.pytorch() mimics.

Run with the Debian interpreter that has python3-torch (PyTorch 1.13):
    /usr/bin/python3 scripts/check_kinks_pytorch.py
Each line: the kink, PyTorch's gradient, and the value Kinks.pytorch() uses.
"""
import torch
import torch.nn.functional as F


def grad(f, values):
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    f(x).sum().backward()
    return x.grad.tolist()


print("torch", torch.__version__)
checks = [
    ("relu'(0)", grad(torch.relu, [0.0]), [0.0]),
    ("leaky_relu(slope=0.1)'(0)", grad(lambda x: F.leaky_relu(x, 0.1), [0.0]), [0.1]),
    ("relu6' at 0 and 6", grad(F.relu6, [0.0, 6.0]), [0.0, 0.0]),
    ("hardtanh' at -1 and 1", grad(F.hardtanh, [-1.0, 1.0]), [0.0, 0.0]),
    ("clamp(-0.5, 2)' at -0.5 and 2", grad(lambda x: torch.clamp(x, -0.5, 2.0), [-0.5, 2.0]), [1.0, 1.0]),
    ("clamp(min=0)'(0)", grad(lambda x: torch.clamp(x, min=0.0), [0.0]), [1.0]),
    ("abs'(0)", grad(torch.abs, [0.0]), [0.0]),
    ("maximum(x, c) tie, d/dx", grad(lambda x: torch.maximum(x, torch.tensor([1.0], dtype=torch.float64)), [1.0]),
     [0.5]),
    ("max() full reduction, ties [1,3,3,2,3]", grad(lambda x: x.max(), [1.0, 3.0, 3.0, 2.0, 3.0]),
     [0.0, 1 / 3, 1 / 3, 0.0, 1 / 3]),
    ("max(dim=1) ties [[1,3,3]]", grad(lambda x: x.view(1, 3).max(dim=1).values, [1.0, 3.0, 3.0]),
     [0.0, 1.0, 0.0]),
    ("max_pool2d(2) tie [[5,5],[0,1]]", grad(lambda x: F.max_pool2d(x.view(1, 1, 2, 2), 2), [5.0, 5.0, 0.0, 1.0]),
     [1.0, 0.0, 0.0, 0.0]),
    ("max_pool2d(2) 4-way tie", grad(lambda x: F.max_pool2d(x.view(1, 1, 2, 2), 2), [7.0, 7.0, 7.0, 7.0]),
     [1.0, 0.0, 0.0, 0.0]),
]
ok = True
for name, got, expected in checks:
    same = all(abs(a - b) < 1e-12 for a, b in zip(got, expected))
    ok &= same
    print(f"{'ok ' if same else 'DIFF'} {name}: torch {got}, Kinks.pytorch() {expected}")
print("all match" if ok else "MISMATCH")
