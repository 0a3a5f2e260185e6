#!/usr/bin/env bash
# init_vs_torch.sh - cross-check wi's initializers against torch.nn.init (two-sample KS tests).
#
# Run from the repository root:  bash tests/init_vs_torch.sh [extra init_vs_torch.py flags]
# e.g.  bash tests/init_vs_torch.sh --only orthogonal default   or   --seed-base 1000
# tests/init_vs_torch.py runs wi --epochs 0 --save-init for every spec, draws the same shapes
# with torch.nn.init, and prints one table row per spec and weight shape: n, D, critical value
# at alpha = 0.001, PASS/FAIL. See the docstring there for the method and its false-alarm rate.
#
# Environment:
#   WI_BIN   the wi binary (default: ./wi)
# Skips (exit 0) when /usr/bin/python3 cannot import torch and numpy.
# Exit status: 0 all passed (or skipped), 1 some comparison failed, 2 setup or wi error.
set -u

PY=/usr/bin/python3
WI=${WI_BIN:-./wi}
DATA=data_fetch/mnist-sample
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

err=$("$PY" -c "import torch, numpy" 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
    why=$(printf '%s' "$err" | tail -n 1)
    echo "init_vs_torch: SKIPPED: '$PY -c \"import torch, numpy\"' failed (exit $rc)${why:+: $why}"
    exit 0
fi
if [ ! -x "$WI" ]; then
    echo "init_vs_torch: error: $WI is not an executable (build with make, or set WI_BIN)" >&2
    exit 2
fi
if [ ! -d "$DATA" ]; then
    echo "init_vs_torch: error: $DATA not found (run from the repository root)" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wi-init-vs-torch.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

"$PY" "$HERE/init_vs_torch.py" --wi "$WI" --data "$DATA" --tmp "$tmp" "$@"
exit $?
