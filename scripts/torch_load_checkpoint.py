#!/usr/bin/env python3
"""Loads the model weights of an `inertia train --model mlp --checkpoint FILE` checkpoint into the
same torch.nn.Sequential (strict=True) and prints its Fashion-MNIST test accuracy.
Usage: /usr/bin/python3 scripts/torch_load_checkpoint.py FILE"""
import gzip, sys, numpy as np, torch, torch.nn as nn
import json, struct
def load_file(path):
    # the safetensors layout read by hand (the safetensors package is not installed here)
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        s, e = v["data_offsets"]
        dt = {"F32": torch.float32, "F64": torch.float64}[v["dtype"]]
        out[k] = torch.frombuffer(bytearray(b[8 + n + s:8 + n + e]), dtype=dt).reshape(v["shape"])
    return out
sd = load_file(sys.argv[1])
model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
model.load_state_dict({k: v for k, v in sd.items() if not k.startswith("optimizer.")}, strict=True)
d = "/work/shared/data/fashion-mnist/"
x = np.frombuffer(gzip.open(d + "t10k-images-idx3-ubyte.gz").read(), np.uint8, offset=16).reshape(-1, 784)
y = np.frombuffer(gzip.open(d + "t10k-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
x = (torch.tensor(x, dtype=torch.float32) / 255 - 0.2860) / 0.3530
with torch.no_grad():
    acc = (model(x).argmax(1).numpy() == y).mean()
print("torch test accuracy of the inertia checkpoint:", acc, "optimizer tensors:", sum(k.startswith("optimizer.") for k in sd))
