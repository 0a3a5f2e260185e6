#!/usr/bin/env python3
"""The PyTorch side of `make bench`: the notebook's training loop with preloaded tensors.

Same configurations as tests/bench/bench.cpp, one thread, SGD, cross-entropy, the bundled
sample's training digits tiled to --images and normalized as the notebook does. Prints one
line per configuration: "<arch>_b<batch> <median seconds per epoch>".
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn as nn


def load_images(data_dir):
    def read(name):
        for candidate in (name, name + ".gz"):
            path = os.path.join(data_dir, candidate)
            if os.path.exists(path):
                opener = gzip.open if candidate.endswith(".gz") else open
                with opener(path, "rb") as f:
                    return f.read()
        raise SystemExit(f"bench_torch: {name} not found in {data_dir}")
    images = np.frombuffer(read("train-images-idx3-ubyte"), dtype=np.uint8, offset=16).reshape(-1, 784)
    labels = np.frombuffer(read("train-labels-idx1-ubyte"), dtype=np.uint8, offset=8)
    return images, labels


def model_for(arch, act):
    layers = []
    for i in range(len(arch) - 1):
        layers.append(nn.Linear(arch[i], arch[i + 1]))
        if act == "relu" and i + 2 < len(arch):
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def epoch_seconds(x, y, arch, act, batch):
    model = model_for(arch, act)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
    start = time.perf_counter()
    for i in range(0, x.shape[0], batch):
        optimizer.zero_grad()
        loss = criterion(model(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--images", type=int, default=60000)
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    images, labels = load_images(a.data)
    idx = np.arange(a.images) % images.shape[0]
    x = (torch.from_numpy(images[idx].astype(np.float32)) / 255.0 - 0.5) / 0.5
    y = torch.from_numpy(labels[idx].astype(np.int64))
    for arch, act, batch in (([784, 32, 32, 10], "none", 4), ([784, 32, 32, 10], "none", 64),
                             ([784, 256, 256, 10], "relu", 64)):
        times = sorted(epoch_seconds(x, y, arch, act, batch) for _ in range(a.reps + 1))[:a.reps + 1]
        times = sorted(times[1:]) if len(times) > 1 else times  # first run: warm-up
        name = "-".join(map(str, arch)) + f"_b{batch}"
        print(f"{name} {times[len(times) // 2]:.4f}", flush=True)


if __name__ == "__main__":
    main()
