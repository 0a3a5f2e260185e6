#!/usr/bin/env bash
# torch_parity.sh - check that wi's training matches PyTorch's, step for step.
#
# Run from the repository root:  bash tests/torch_parity.sh
# For each kernel path, initializer and activation, wi trains one epoch in file order on the bundled sample,
# writing its initial and final weights; tests/torch_parity.py trains the same model in PyTorch
# from those initial weights and compares the final ones.
#
# Environment:
#   WI_PARITY_INIT   initializers to try, space- or comma-separated (default: xavier)
#   WI_PARITY_ACTS   activations to try (default: none sigmoid tanh relu)
#   WI_PARITY_KERNELS  wi's --kernel paths to try (default: ref simd)
#   WI_PARITY_PYTHON interpreter with torch and numpy (default: /usr/bin/python3)
#   WI_BIN           the wi binary (default: ./wi)
# Skips (exit 0) when the interpreter cannot import torch and numpy.
set -u

PY=${WI_PARITY_PYTHON:-/usr/bin/python3}
WI=${WI_BIN:-./wi}
case $WI in */*) ;; *) WI=./$WI ;; esac  # a bare name is a file here, not a command on PATH
DATA=data_fetch/mnist-sample
ARCH=784,32,32,10
BATCH=4
LR=0.001
EPOCHS=1
INITS=${WI_PARITY_INIT:-xavier}
ACTS=${WI_PARITY_ACTS:-none sigmoid tanh relu}
KERNELS=${WI_PARITY_KERNELS:-ref simd}
KERNELS=${KERNELS//,/ }
INITS=${INITS//,/ }
ACTS=${ACTS//,/ }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

err=$("$PY" -c "import torch, numpy" 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
    why=$(printf '%s' "$err" | tail -n 1)
    echo "torch_parity: SKIPPED: '$PY -c \"import torch, numpy\"' failed (exit $rc)${why:+: $why}"
    exit 0
fi
if [ ! -x "$WI" ]; then
    echo "torch_parity: error: $WI is not an executable (build with make, or set WI_BIN)" >&2
    exit 2
fi
if [ ! -d "$DATA" ]; then
    echo "torch_parity: error: $DATA not found (run from the repository root)" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wi-parity.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

start=$SECONDS
failed=0
summary=()
for kernel in $KERNELS; do
for init in $INITS; do
    for act in $ACTS; do
        run="$tmp/$kernel-$init-$act"
        mkdir -p "$run"
        echo "=== kernel=$kernel init=$init act=$act ==="
        t0=$SECONDS
        if ! "$WI" --kernel "$kernel" --init "$init" --act "$act" --arch "$ARCH" --batch "$BATCH" --lr "$LR" --epochs "$EPOCHS" \
                --no-shuffle --no-fetch -q --data "$DATA" \
                --save-init "$run/init" --save-weights "$run/final" > "$run/wi.log" 2>&1; then
            echo "wi failed:"; sed 's/^/  /' "$run/wi.log"
            summary+=("kernel=$kernel init=$init act=$act: FAIL (wi exited non-zero)")
            failed=1
            continue
        fi
        sed 's/^/wi: /' "$run/wi.log"
        "$PY" "$HERE/torch_parity.py" "$DATA" "$run/init" "$run/final" \
            --act "$act" --arch "$ARCH" --batch "$BATCH" --lr "$LR" --epochs "$EPOCHS"
        rc=$?
        case $rc in
            0) verdict=PASS ;;
            1) verdict=FAIL; failed=1 ;;
            *) verdict="ERROR (rc $rc)"; failed=1 ;;
        esac
        summary+=("kernel=$kernel init=$init act=$act: $verdict ($((SECONDS - t0)) s)")
        echo
    done
done
done

echo "=== torch parity summary ($((SECONDS - start)) s) ==="
printf '  %s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    echo "torch_parity: FAILED"
    exit 1
fi
echo "torch_parity: all passed"
exit 0
