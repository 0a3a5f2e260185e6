#!/usr/bin/env python3
"""torch_parity.py - train the same MLP in PyTorch from wi's initial weights and compare
the final weights with the ones wi wrote.

usage: torch_parity.py DATA_DIR INIT_DIR WI_FINAL_DIR [--act A] [--arch 784,32,32,10]
                       [--batch 4] [--lr 0.001] [--epochs 1]

DATA_DIR     holds train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]
INIT_DIR     wi --save-init output: fc1.weight.npy, fc1.bias.npy, ... (float32)
WI_FINAL_DIR wi --save-weights output of the same run

The PyTorch side mirrors wi run with --no-shuffle:
  x = (p/255 - 0.5)/0.5 in float32 (torchvision ToTensor then Normalize(0.5, 0.5)),
  nn.Sequential of Linear layers, the activation after every layer but the last,
  nn.CrossEntropyLoss (mean over the batch), torch.optim.SGD(lr) without momentum,
  samples in file order, batches of --batch consecutive samples, the last one may be short.

Exit status: 0 if every tensor's relative difference max|wi - torch| / max|torch| is at most
REL_TOL and its difference against the training update, max|wi - torch| / max|torch - init|,
at most UPDATE_TOL; 1 if any is larger (or torch did not change a tensor, so nothing was
compared); 2 on a usage or input error.
"""

import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

# Pass/fail tolerances, from what the seed model (784-32-32-10, xavier, batch 4, one epoch of
# the bundled sample) measures on both wi paths (ref, simd) and every activation: rel at most
# 8e-7 and d/upd at most 1.7e-5, float32 rounding compounded over 2,500 steps. Each bound is
# about 12 times that; a 3 % error in one gradient is d/upd ~3e-2.
REL_TOL = 1e-5  # max|wi - torch| / max|torch|
UPDATE_TOL = 2e-4  # max|wi - torch| / max|torch - init|: the difference against the update itself

IMAGE_MAGIC = 0x803
LABEL_MAGIC = 0x801


def fail_input(msg):
    print("torch_parity: error: " + msg, file=sys.stderr)
    sys.exit(2)


def read_idx(path_no_gz, magic, dims_after_count):
    """Read an IDX file (raw or .gz); returns (count, payload uint8 array)."""
    if os.path.exists(path_no_gz + ".gz"):
        with gzip.open(path_no_gz + ".gz", "rb") as f:
            raw = f.read()
        path = path_no_gz + ".gz"
    elif os.path.exists(path_no_gz):
        with open(path_no_gz, "rb") as f:
            raw = f.read()
        path = path_no_gz
    else:
        fail_input("missing %s[.gz]" % path_no_gz)
    header_words = 2 + len(dims_after_count)
    if len(raw) < 4 * header_words:
        fail_input("%s: too short for an IDX header" % path)
    header = np.frombuffer(raw, dtype=">u4", count=header_words)
    if int(header[0]) != magic:
        fail_input("%s: magic 0x%x, expected 0x%x" % (path, int(header[0]), magic))
    count = int(header[1])
    dims = [int(d) for d in header[2:]]
    if dims != list(dims_after_count):
        fail_input("%s: dims %s, expected %s" % (path, dims, list(dims_after_count)))
    per_item = int(np.prod(dims_after_count)) if dims_after_count else 1
    payload = np.frombuffer(raw, dtype=np.uint8, offset=4 * header_words)
    if payload.size != count * per_item:
        fail_input("%s: %d payload bytes, expected %d" % (path, payload.size, count * per_item))
    return count, payload.reshape((count,) + tuple(dims_after_count))


def load_train(data_dir):
    n_img, images = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte"), IMAGE_MAGIC, (28, 28))
    n_lab, labels = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte"), LABEL_MAGIC, ())
    if n_img != n_lab:
        fail_input("train images (%d) and labels (%d) disagree" % (n_img, n_lab))
    if labels.max() > 9:
        fail_input("a label is > 9")
    # torchvision ToTensor: uint8 -> float32, / 255; Normalize((0.5,), (0.5,)): (x - 0.5) / 0.5.
    x = torch.from_numpy(images.reshape(n_img, 784).copy()).to(torch.float32).div(255)
    x = x.sub(0.5).div(0.5)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


ACTIVATIONS = {"none": None, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


def build_model(arch, act):
    layers = []
    linears = []
    for i in range(len(arch) - 1):
        lin = nn.Linear(arch[i], arch[i + 1])
        layers.append(lin)
        linears.append(lin)
        if i < len(arch) - 2 and ACTIVATIONS[act] is not None:
            layers.append(ACTIVATIONS[act]())
    return nn.Sequential(*layers), linears


def load_npy(dir_, name, shape):
    path = os.path.join(dir_, name + ".npy")
    if not os.path.exists(path):
        fail_input("missing " + path)
    a = np.load(path)
    if a.dtype != np.float32:
        fail_input("%s: dtype %s, expected float32" % (path, a.dtype))
    if tuple(a.shape) != tuple(shape):
        fail_input("%s: shape %s, expected %s" % (path, a.shape, tuple(shape)))
    return a


def param_names(linears):
    for k, lin in enumerate(linears, start=1):
        yield "fc%d.weight" % k, lin.weight
        yield "fc%d.bias" % k, lin.bias


def check_no_extra_layers(dir_, n_layers):
    extra = "fc%d.weight.npy" % (n_layers + 1)
    if os.path.exists(os.path.join(dir_, extra)):
        fail_input("%s has %s: more layers than --arch describes" % (dir_, extra))


def main():
    ap = argparse.ArgumentParser(description="PyTorch parity check for wi's training.")
    ap.add_argument("data_dir")
    ap.add_argument("init_dir")
    ap.add_argument("wi_final_dir")
    ap.add_argument("--act", default="none", choices=sorted(ACTIVATIONS))
    ap.add_argument("--arch", default="784,32,32,10")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    try:
        arch = [int(s) for s in args.arch.split(",")]
    except ValueError:
        fail_input("--arch must be comma-separated integers")
    if len(arch) < 2 or arch[0] != 784 or arch[-1] != 10 or min(arch) < 1:
        fail_input("--arch must start with 784, end with 10, and have positive widths")
    if args.batch < 1 or args.epochs < 0 or not args.lr > 0:
        fail_input("need --batch >= 1, --epochs >= 0, --lr > 0")

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)  # nothing random is used; just so nn.Linear's throwaway init is fixed

    t0 = time.time()
    x, y = load_train(args.data_dir)
    n = x.shape[0]

    model, linears = build_model(arch, args.act)
    check_no_extra_layers(args.init_dir, len(linears))
    check_no_extra_layers(args.wi_final_dir, len(linears))
    init = {}
    with torch.no_grad():
        for name, p in param_names(linears):
            a = load_npy(args.init_dir, name, p.shape)
            init[name] = a
            p.copy_(torch.from_numpy(a))

    loss_fn = nn.CrossEntropyLoss()  # reduction="mean"
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)  # momentum 0, no weight decay
    model.train()
    steps = 0
    nonfinite_at = None
    for epoch in range(args.epochs):
        loss_sum = 0.0
        for first in range(0, n, args.batch):
            xb = x[first:first + args.batch]
            yb = y[first:first + args.batch]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            steps += 1
            lv = loss.item()
            if not np.isfinite(lv) and nonfinite_at is None:
                nonfinite_at = steps
            loss_sum += lv
        print("torch: epoch %d, %d samples, mean batch loss %.4f"
              % (epoch + 1, n, loss_sum / ((n + args.batch - 1) // args.batch)))
    train_s = time.time() - t0
    if nonfinite_at is not None:
        print("torch: warning: loss became non-finite at step %d" % nonfinite_at)

    print("torch: %d SGD steps (batch %d, lr %g, act %s, arch %s) in %.1f s"
          % (steps, args.batch, args.lr, args.act, args.arch, train_s))
    print("tolerance: pass if rel = max|wi - torch| / max|torch| <= %g and" % REL_TOL)
    print("  d/upd = max|wi - torch| / max|torch - init| <= %g for every tensor." % UPDATE_TOL)
    print("  why: both sides compute in float32 but sum in different orders (wi's own loops vs torch's BLAS),")
    print("  so single-precision rounding (~6e-8 per op) compounds over %d steps; a real semantic" % steps)
    print("  difference (normalization, batch order, sum vs mean loss, a wrong gradient) shows up")
    print("  at the scale of the training update, far above these bounds.")
    print("  Also shown: elem = max_i |wi_i - torch_i| / max(|torch_i|, 1e-3*max|torch|) (informational).")
    print()
    hdr = "%-11s %-10s %11s %11s %11s %11s %11s %11s  %s" % (
        "tensor", "shape", "max_abs", "max|torch|", "rel", "elem", "max|upd|", "d/upd", "ok")
    print(hdr)
    print("-" * len(hdr))

    all_ok = True
    problems = []
    for name, p in param_names(linears):
        t = p.detach().numpy().astype(np.float64)
        w = load_npy(args.wi_final_dir, name, p.shape).astype(np.float64)
        i0 = init[name].astype(np.float64)
        finite = np.all(np.isfinite(t)) and np.all(np.isfinite(w))
        diff = np.abs(w - t)
        max_abs = float(diff.max()) if finite else float("inf")
        scale = float(np.abs(t).max()) if finite else float("nan")
        if finite and scale > 0:
            rel = max_abs / scale
        elif finite:  # torch tensor is all zeros: fall back to absolute
            rel = max_abs
        else:
            rel = float("inf")
        if finite:
            floor = max(1e-3 * scale, np.finfo(np.float32).tiny)
            elem = float((diff / np.maximum(np.abs(t), floor)).max())
            upd = float(np.abs(t - i0).max())
            d_upd = max_abs / upd if upd > 0 else (0.0 if max_abs == 0 else float("inf"))
        else:
            elem = upd = d_upd = float("inf")
        ok = finite and rel <= REL_TOL and upd > 0 and d_upd <= UPDATE_TOL
        all_ok &= ok
        shape = "x".join(str(s) for s in p.shape)
        print("%-11s %-10s %11.3e %11.3e %11.3e %11.3e %11.3e %11.3e  %s"
              % (name, shape, max_abs, scale, rel, elem, upd, d_upd, "ok" if ok else "FAIL"))
        if finite and upd == 0:
            problems.append("%s: torch did not change it at all (update 0): nothing compared" % name)
        elif finite and d_upd > UPDATE_TOL:
            problems.append("%s: diff is %.3g of the training update (max|torch - init| = %.3e), bound %g"
                            % (name, d_upd, upd, UPDATE_TOL))
        if finite and np.array_equal(w, i0) and upd > 0:
            problems.append("%s: wi's final equals its initial value, torch's changed" % name)

    print()
    for msg in problems:
        print("FAIL: " + msg)
    if all_ok:
        print("PASS: act=%s, every tensor within rel <= %g of torch and d/upd <= %g" % (args.act, REL_TOL, UPDATE_TOL))
        return 0
    print("FAIL: act=%s, some tensor exceeds rel %g or d/upd %g" % (args.act, REL_TOL, UPDATE_TOL))
    return 1


if __name__ == "__main__":
    sys.exit(main())
