#!/usr/bin/env python3
"""init_vs_torch.py - cross-check wi's initializers against torch.nn.init with two-sample
Kolmogorov-Smirnov tests.

usage: init_vs_torch.py --tmp DIR [--wi ./wi] [--data data_fetch/mnist-sample]
                        [--seeds 16] [--seed-base 1] [--torch-seed 1234] [--only SPEC ...]

For every initializer spec in CASES, wi is run --seeds times (--epochs 0 --save-init) on
ARCH = 784,32,32,32,32,10, so each run yields one (32,784) weight, three (32,32) and one
(10,32). Values are pooled per weight shape over runs (and over the three equal hidden layers)
and compared with values that the matching torch.nn.init call writes into tensors of the same
shape. The biases of all runs (wi's default bias policy, nn.Linear's rule for every spec
here) are pooled per layer shape and compared with nn.Linear's own bias.

Test: D = sup_x |F_wi(x) - F_torch(x)| (two-sample KS, ties handled), rejected at
alpha = 0.001 when D > c * sqrt((n + m) / (n m)), c = sqrt(-ln(alpha / 2) / 2) = 1.9495
(the asymptotic Kolmogorov critical value). Extra, exact checks:
  orthogonal  every matrix of both sides: W W^T = gain^2 I (rows <= cols) or W^T W = gain^2 I
              (rows >= cols), max abs error <= 1e-4 * gain^2 (float32 storage)
  sparse      every column of both sides has exactly ceil(sparsity * rows) zeros; KS on the
              nonzero values, and KS on the row indices of the zeros (uniform positions)

False alarms: each KS row has size <= 0.001 when wi is correct (asymptotically; conservative
for the discrete zero-index rows). By the union bound, the chance that a correct wi shows at
least one FAIL is at most (number of KS rows) * 0.001, printed at the end (about 5%). Seeds
are fixed (wi --seed, torch.manual_seed), so a given build always gives the same table; a FAIL
with D barely above the critical value is worth re-running with --seed-base / --torch-seed
before believing, while a real mismatch (wrong fan, gain or law) gives D many times larger.
Entries of an orthogonal matrix are not independent; both sides share that structure, and
the test treats the pooled entries as i.i.d. (torch against torch, 300 repetitions at these
sizes rejected at about the nominal rate: 6% at alpha=0.05, 1.3% at alpha=0.01).
Power: the (32,784) rows (n_wi = 401408) catch a scale error of 2% in a normal law and 1% in a
uniform one; the (10,32) rows (n_wi = 5120) only about 15%. Fan_in/fan_out mix-ups show in the
non-square rows (by a factor sqrt(784/32) or sqrt(32/10) in scale), never in (32,32).

wi runs on a tiny blank IDX data set written to --tmp (initialization does not read the data;
one run per invocation checks that against --data, and falls back to --data otherwise).

Exit status: 0 all PASS, 1 some FAIL, 2 usage or wi error.
"""

import argparse
import math
import os
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn as nn
from torch.nn import init

ALPHA = 0.001
C_ALPHA = math.sqrt(-math.log(ALPHA / 2) / 2)  # 1.9495
ORTHO_TOL = 1e-4
ARCH = [784, 32, 32, 32, 32, 10]
TRUNC_STD_CORRECTION = 0.87962566103423978  # std of N(0,1) cut at +-2


def lecun_normal_(w):
    sd = math.sqrt(1.0 / w.shape[1]) / TRUNC_STD_CORRECTION
    return init.trunc_normal_(w, mean=0.0, std=sd, a=-2 * sd, b=2 * sd)


def linear_weight(shape):
    out_f, in_f = shape
    return nn.Linear(in_f, out_f).weight.detach().clone()


# (wi spec, torch description, torch fill of an empty (out, in) tensor, kind, params)
CASES = [
    ("xavier_normal", "xavier_normal_(w)", init.xavier_normal_, "iid", {}),
    ("xavier_normal:gain=2", "xavier_normal_(w, gain=2)", lambda w: init.xavier_normal_(w, gain=2.0), "iid", {}),
    ("xavier_uniform", "xavier_uniform_(w)", init.xavier_uniform_, "iid", {}),
    ("kaiming_normal", "kaiming_normal_(w)", init.kaiming_normal_, "iid", {}),
    ("kaiming_normal:mode=fan_out,nonlinearity=relu", "kaiming_normal_(w, mode='fan_out', nonlinearity='relu')",
     lambda w: init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu"), "iid", {}),
    ("kaiming_normal:a=0.2,mode=fan_out", "kaiming_normal_(w, a=0.2, mode='fan_out')",
     lambda w: init.kaiming_normal_(w, a=0.2, mode="fan_out"), "iid", {}),
    ("kaiming_uniform", "kaiming_uniform_(w)", init.kaiming_uniform_, "iid", {}),
    ("kaiming_uniform:mode=fan_out,nonlinearity=relu", "kaiming_uniform_(w, mode='fan_out', nonlinearity='relu')",
     lambda w: init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"), "iid", {}),
    ("kaiming_uniform:nonlinearity=tanh", "kaiming_uniform_(w, nonlinearity='tanh')",
     lambda w: init.kaiming_uniform_(w, nonlinearity="tanh"), "iid", {}),
    ("orthogonal", "orthogonal_(w)", init.orthogonal_, "orthogonal", {"gain": 1.0}),
    ("orthogonal:gain=1.41", "orthogonal_(w, gain=1.41)", lambda w: init.orthogonal_(w, gain=1.41),
     "orthogonal", {"gain": 1.41}),
    ("trunc_normal:std=0.02,a=-0.04,b=0.04", "trunc_normal_(w, std=0.02, a=-0.04, b=0.04)",
     lambda w: init.trunc_normal_(w, std=0.02, a=-0.04, b=0.04), "iid", {}),
    ("trunc_normal", "trunc_normal_(w)", init.trunc_normal_, "iid", {}),
    ("default", "nn.Linear(in, out).weight", None, "iid", {}),
    ("sparse:sparsity=0.1,std=0.01", "sparse_(w, 0.1, std=0.01)", lambda w: init.sparse_(w, 0.1, std=0.01),
     "sparse", {"sparsity": 0.1}),
    ("lecun_normal", "trunc_normal_(w, std=s, a=-2s, b=2s), s=sqrt(1/fan_in)/0.8796", lecun_normal_, "iid", {}),
]


def ks_2samp(x, y):
    """Two-sample KS statistic sup |F_x - F_y| over all sample points (ties counted right).
    Both samples are float32 values (wi's and torch's weights are), so float32 sorts lose nothing."""
    x = np.sort(np.asarray(x, dtype=np.float32).ravel())
    y = np.sort(np.asarray(y, dtype=np.float32).ravel())
    grid = np.concatenate([x, y])
    fx = np.searchsorted(x, grid, side="right") / x.size
    fy = np.searchsorted(y, grid, side="right") / y.size
    return float(np.max(np.abs(fx - fy)))


def ks_critical(n, m):
    return C_ALPHA * math.sqrt((n + m) / (n * m))


def ks_pvalue(d, n, m):
    """Asymptotic p-value, Kolmogorov's series Q(lambda) = 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2)."""
    lam = d * math.sqrt(n * m / (n + m))
    if lam < 0.2:
        return 1.0
    s = sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return min(1.0, max(0.0, 2 * s))


def shapes_of(arch):
    return [(arch[i + 1], arch[i]) for i in range(len(arch) - 1)]  # (out, in)


def write_tiny_mnist(d, n=16):
    """Four raw IDX files with n blank images: wi's start-up then costs milliseconds, not a
    tenth of a second of decompressing and evaluating the bundled sample. Initialization does
    not read the data (checked at run time against the real sample, see main)."""
    os.makedirs(d, exist_ok=True)
    for prefix in ("train", "t10k"):
        with open(os.path.join(d, prefix + "-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + bytes(n * 28 * 28))
        with open(os.path.join(d, prefix + "-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, n) + bytes(i % 10 for i in range(n)))


def run_wi(wi, data, spec, seed, outdir):
    cmd = [wi, "--init", spec, "--epochs", "0", "--no-fetch", "-q", "--data", data, "--threads", "1",
           "--save-init", outdir, "--seed", str(seed), "--arch", ",".join(map(str, ARCH))]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise RuntimeError("wi exited %d: %s\n%s" % (p.returncode, " ".join(cmd), p.stdout))
    layers = []
    for i, shape in enumerate(shapes_of(ARCH), start=1):
        w = np.load(os.path.join(outdir, "fc%d.weight.npy" % i))
        b = np.load(os.path.join(outdir, "fc%d.bias.npy" % i))
        if w.shape != shape or b.shape != (shape[0],):
            raise RuntimeError("%s: fc%d has shape %s / %s, expected %s" % (outdir, i, w.shape, b.shape, shape))
        layers.append((w.astype(np.float32), b.astype(np.float32)))
    return layers


def torch_matrices(fill, shape, count):
    mats = []
    for _ in range(count):
        if fill is None:
            w = linear_weight(shape)
        else:
            w = torch.empty(shape, dtype=torch.float32)
            fill(w)
        mats.append(w.numpy().copy())
    return mats


def ortho_error(w, gain):
    w = w.astype(np.float64)
    rows, cols = w.shape
    errs = []
    if rows <= cols:
        errs.append(np.max(np.abs(w @ w.T - gain * gain * np.eye(rows))))
    if rows >= cols:
        errs.append(np.max(np.abs(w.T @ w - gain * gain * np.eye(cols))))
    return max(errs)


def bad_zero_columns(w, sparsity):
    want = int(math.ceil(sparsity * w.shape[0]))
    return int(np.sum((w == 0).sum(axis=0) != want))


def bad_zero_columns_total(mats, sparsity):
    return sum(bad_zero_columns(w, sparsity) for w in mats)


def zero_rows(mats):
    return np.concatenate([np.nonzero(w == 0)[0] for w in mats]).astype(np.float32)


class Table:
    def __init__(self):
        self.rows = []

    def ks(self, spec, shape, check, x, y):
        n, m = len(x), len(y)
        if n == 0 or m == 0:
            self.rows.append((spec, shape, check, n, m, float("nan"), float("nan"), float("nan"), "FAIL"))
            return
        d = ks_2samp(x, y)
        crit = ks_critical(n, m)
        self.rows.append((spec, shape, check, n, m, d, crit, ks_pvalue(d, n, m), "PASS" if d <= crit else "FAIL"))

    def exact(self, spec, shape, check, n, m, value, limit):
        self.rows.append((spec, shape, check, n, m, value, limit, None, "PASS" if value <= limit else "FAIL"))

    def print(self):
        w = max(len(r[0]) for r in self.rows)
        head = "%-*s  %-8s  %-12s %8s %8s  %10s %10s %8s  %s" % (w, "spec", "shape", "check", "n_wi", "n_torch",
                                                              "D/value", "critical", "p", "result")
        print(head)
        print("-" * len(head))
        for spec, shape, check, n, m, d, crit, p, res in self.rows:
            ptxt = "-" if p is None else ("%8.3g" % p)
            print("%-*s  %-8s  %-12s %8d %8d  %10.3g %10.3g %8s  %s" % (
                w, spec, "(%d,%d)" % shape, check, n, m, d, crit, ptxt, res))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wi", default=os.environ.get("WI_BIN", "./wi"))
    ap.add_argument("--data", default="data_fetch/mnist-sample")
    ap.add_argument("--tmp", required=True, help="scratch directory for wi's .npy files")
    ap.add_argument("--seeds", type=int, default=16, help="wi runs per spec (default 16)")
    ap.add_argument("--seed-base", type=int, default=1, help="wi seeds are base + spec_index*seeds + k")
    ap.add_argument("--torch-seed", type=int, default=1234, help="torch.manual_seed base")
    ap.add_argument("--only", nargs="*", help="run only these specs (exact wi spec text)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()

    cases = CASES
    if args.only:
        cases = [c for c in CASES if c[0] in args.only]
        unknown = set(args.only) - {c[0] for c in CASES}
        if unknown:
            print("init_vs_torch: unknown spec(s): %s" % ", ".join(sorted(unknown)), file=sys.stderr)
            return 2
    torch.set_num_threads(1)
    t0 = time.time()

    # wi's weights must not depend on the data set; then a tiny one serves for every run
    data = args.data
    tiny = os.path.join(args.tmp, "tiny-mnist")
    write_tiny_mnist(tiny)
    try:
        spec0, seed0 = cases[0][0], args.seed_base
        real = run_wi(args.wi, args.data, spec0, seed0, os.path.join(args.tmp, "check_real"))
        fast = run_wi(args.wi, tiny, spec0, seed0, os.path.join(args.tmp, "check_tiny"))
    except (RuntimeError, OSError) as e:
        print("init_vs_torch: error: %s" % e, file=sys.stderr)
        return 2
    if all(np.array_equal(a, b) for la, lb in zip(real, fast) for a, b in zip(la, lb)):
        data = tiny
    else:
        print("init_vs_torch: note: wi's weights depend on --data; using %s for every run (slower)" % args.data)

    jobs = []
    for ci, case in enumerate(cases):
        idx = CASES.index(case)
        for k in range(args.seeds):
            seed = args.seed_base + idx * args.seeds + k
            jobs.append((ci, case[0], seed, os.path.join(args.tmp, "c%02d_s%d" % (idx, seed))))
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            results = list(ex.map(lambda j: run_wi(args.wi, data, j[1], j[2], j[3]), jobs))
    except (RuntimeError, OSError) as e:
        print("init_vs_torch: error: %s" % e, file=sys.stderr)
        return 2
    t_wi = time.time() - t0

    shapes = sorted(set(shapes_of(ARCH)), key=lambda s: -s[0] * s[1])
    per_run = {s: shapes_of(ARCH).count(s) for s in shapes}
    wi_w = {}  # (case index, shape) -> list of matrices
    wi_b = {s: [] for s in shapes}
    for (ci, _, _, _), layers in zip(jobs, results):
        for shape, (w, b) in zip(shapes_of(ARCH), layers):
            wi_w.setdefault((ci, shape), []).append(w)
            wi_b[shape].append(b)

    table = Table()
    for ci, (spec, _, fill, kind, par) in enumerate(cases):
        torch.manual_seed(args.torch_seed + CASES.index(cases[ci]))
        for shape in shapes:
            mine = wi_w[(ci, shape)]
            count = len(mine) * (2 if shape[0] * shape[1] > 10000 else 4)
            theirs = torch_matrices(fill, shape, count)
            if kind == "sparse":
                sp = par["sparsity"]
                table.exact(spec, shape, "zeros/col", len(mine) * shape[1], len(theirs) * shape[1],
                            bad_zero_columns_total(mine, sp) + bad_zero_columns_total(theirs, sp), 0)
                table.ks(spec, shape, "KS nonzero", np.concatenate([w[w != 0] for w in mine]),
                         np.concatenate([w[w != 0] for w in theirs]))
                table.ks(spec, shape, "KS zero rows", zero_rows(mine), zero_rows(theirs))
            else:
                table.ks(spec, shape, "KS", np.concatenate([w.ravel() for w in mine]),
                         np.concatenate([w.ravel() for w in theirs]))
            if kind == "orthogonal":
                g = par["gain"]
                e_wi = max(ortho_error(w, g) for w in mine)
                e_t = max(ortho_error(w, g) for w in theirs)
                table.exact(spec, shape, "orth wi", len(mine), 0, e_wi, ORTHO_TOL * g * g)
                table.exact(spec, shape, "orth torch", 0, len(theirs), e_t, ORTHO_TOL * g * g)

    # biases: wi's default policy is nn.Linear's rule for every spec in CASES; each run has its own seed
    torch.manual_seed(args.torch_seed + 10007)
    for shape in shapes:
        mine = np.concatenate(wi_b[shape])
        reps = 2 * len(wi_b[shape])
        theirs = np.concatenate([nn.Linear(shape[1], shape[0]).bias.detach().numpy().copy() for _ in range(reps)])
        table.ks("bias (all runs above)", shape, "KS", mine, theirs)
    t_all = time.time() - t0

    print("init_vs_torch: wi %s vs torch %s; %d wi runs per spec (arch %s: per run %s), alpha=%g, c(alpha)=%.4f"
          % (args.wi, torch.__version__, args.seeds, ",".join(map(str, ARCH)),
             ", ".join("%dx(%d,%d)" % (per_run[s], *s) for s in shapes), ALPHA, C_ALPHA))
    table.print()
    n_ks = sum(1 for r in table.rows if r[7] is not None)
    fails = [r for r in table.rows if r[8] != "PASS"]
    print("%d KS tests at alpha=%g: if wi is correct, P(at least one false FAIL) <= %.1f%% (union bound); "
          "%d exact checks" % (n_ks, ALPHA, 100 * n_ks * ALPHA, len(table.rows) - n_ks))
    print("time: %.1f s (wi runs %.1f s)" % (t_all, t_wi))
    if fails:
        print("init_vs_torch: FAILED (%d of %d rows)" % (len(fails), len(table.rows)))
        for r in fails:
            print("  FAIL: %s %s %s" % (r[0], "(%d,%d)" % r[1], r[2]))
        return 1
    print("init_vs_torch: all %d rows passed" % len(table.rows))
    return 0



if __name__ == "__main__":
    sys.exit(main())
