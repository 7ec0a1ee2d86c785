#!/usr/bin/env python3
"""Builds the Fashion-MNIST sample bundled with Inertia (src/main/resources/dev/inertia/data/fashion-mnist-sample).

Deterministic stratified pick, no randomness: walking each full file in its original order, keep the
first 500 training images of every class (5,000 in all) and the first 100 test images of every class
(1,000 in all), in file order. The output is gzip-compressed IDX with a zero timestamp, so running the
script twice gives byte-identical files.

Usage: scripts/make-sample.py [FULL_DATA_DIR]   (default: ../shared/data/fashion-mnist, then
/usr/share/datasets/fashion-mnist). Needs only the Python standard library.
"""
import gzip
import io
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "main", "resources", "dev", "inertia", "data", "fashion-mnist-sample")
CLASSES = 10
PER_CLASS = {"train": 500, "t10k": 100}


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    found, = struct.unpack(">I", data[:4])
    if found != magic:
        sys.exit(f"{path}: magic {found}, expected {magic}")
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def write_idx(path, magic, dims, payload):
    raw = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims) + payload
    buf = io.BytesIO()
    # mtime=0 and no file name in the header: the output depends on the input only
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def main():
    candidates = sys.argv[1:] or [os.path.join(ROOT, "..", "shared", "data", "fashion-mnist"),
                                  "/usr/share/datasets/fashion-mnist"]
    src = next((d for d in candidates if os.path.isfile(os.path.join(d, "train-images-idx3-ubyte.gz"))), None)
    if src is None:
        sys.exit("make-sample: no full Fashion-MNIST found in " + ", ".join(candidates))
    os.makedirs(OUT, exist_ok=True)
    for split, per_class in PER_CLASS.items():
        (n, rows, cols), images = read_idx(os.path.join(src, f"{split}-images-idx3-ubyte.gz"), 2051)
        (m,), labels = read_idx(os.path.join(src, f"{split}-labels-idx1-ubyte.gz"), 2049)
        if n != m:
            sys.exit(f"{split}: {n} images but {m} labels")
        taken = [0] * CLASSES
        keep = []
        for i, label in enumerate(labels):
            if taken[label] < per_class:
                taken[label] += 1
                keep.append(i)
        if len(keep) != per_class * CLASSES:
            sys.exit(f"{split}: only {len(keep)} images for {per_class} per class")
        size = rows * cols
        write_idx(os.path.join(OUT, f"{split}-images-idx3-ubyte.gz"), 2051, (len(keep), rows, cols),
                  b"".join(images[i * size:(i + 1) * size] for i in keep))
        write_idx(os.path.join(OUT, f"{split}-labels-idx1-ubyte.gz"), 2049, (len(keep),),
                  bytes(labels[i] for i in keep))
        print(f"{split}: {len(keep)} images ({per_class} per class) from {src}")


if __name__ == "__main__":
    main()
