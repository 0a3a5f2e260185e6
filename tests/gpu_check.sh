#!/usr/bin/env bash
# tests/gpu_check.sh - prove the CUDA path on a machine with a GPU, in one run: build with
# CUDA=1; the GPU test suite (tests/test_cuda.cpp); the kernels again under compute-sanitizer
# (memcheck, racecheck and synccheck) when it is installed; `make bench`'s rows; and a summary
# to paste into docs/BENCHMARKS.md, printed last. Each phase has a time limit inside one overall
# deadline (WI_GPU_SECONDS, default 540), so a hung kernel costs a phase, not the run. It fails
# when GPU cases were skipped (no GPU, or a build without CUDA): a check that ran nothing
# proved nothing.
#
# usage, from anywhere:  bash tests/gpu_check.sh
# Logs go to $OUT when it is set (the device tool brings that folder back), else to build-gpu/.
#
# A machine that cannot build wi (no Boost.Test or stb headers, say) can run binaries built
# elsewhere: build them on a machine that can, and bring build-gpu/ along,
#   make -j CUDA=1 BUILD=build-gpu BIN=build-gpu/wi build-gpu/wi build-gpu/wi_tests build-gpu/wi_bench
#   cp /usr/lib/x86_64-linux-gnu/libboost_unit_test_framework.so.1.* build-gpu/
# then this script, when its own build fails, says so and runs those (LD_LIBRARY_PATH covers
# build-gpu/; WI_TEST_ROOT and WI_TEST_BIN point the tests at this checkout).
set -uo pipefail
cd "$(dirname "$0")/.."
B=${WI_GPU_BUILD:-build-gpu}
LOG=${OUT:-$B}
mkdir -p "$B" "$LOG"
export LD_LIBRARY_PATH="$PWD/$B${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export WI_TEST_ROOT="$PWD" WI_TEST_BIN="$PWD/$B/wi" WI_NO_FETCH=1
DEADLINE=$(($(date +%s) + ${WI_GPU_SECONDS:-540}))

phase() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
# seconds for a phase: its cap, or what is left before the deadline less a reserve for the summary
budget() {
    local left=$((DEADLINE - $(date +%s) - 15))
    [ "$left" -lt "$1" ] && echo $((left > 5 ? left : 5)) || echo "$1"
}
status_of() {  # a phase's outcome in words
    case "$1" in
        0) echo ok ;; 124 | 137) echo "TIMED OUT" ;; skip) echo "not run" ;;
        skipped-gpu) echo "FAILED (the GPU cases were skipped)" ;; *) echo "FAILED (status $1)" ;;
    esac
}

build=skip tests=skip memcheck=skip racecheck=skip synccheck=skip bench=skip
summary() {
    phase "summary: paste into docs/BENCHMARKS.md"
    echo "### CUDA path: tests/gpu_check.sh, $(date -u +%Y-%m-%d)"
    echo
    echo "- GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)" \
        "(name, driver, memory); CUDA: $("$NVCC" --version 2>/dev/null | grep -o 'release [0-9.]*' | head -1)"
    echo "- build (make CUDA=1): $(status_of "$build")"
    echo "- GPU tests: $(status_of "$tests"); $(grep -E '^[0-9]+ passed' "$LOG/tests.log" 2>/dev/null | tail -1)"
    for tool in memcheck racecheck synccheck; do
        echo "- compute-sanitizer $tool: $(status_of "${!tool}"); $(grep -hE 'ERROR SUMMARY|RACECHECK SUMMARY' \
            "$LOG/$tool.log" 2>/dev/null | tail -1 | sed 's/^=* *//')"
    done
    grep -E 'weights within|skipped:|error' "$LOG/tests.log" 2>/dev/null | head -20 | sed 's/^/    /'
    echo "- benchmark: $(status_of "$bench")"
    echo
    if [ -s "$LOG/bench.log" ]; then
        grep -E '^wi benchmark|^paths:' "$LOG/bench.log"
        echo
        grep -E '^\|' "$LOG/bench.log"
        echo
        grep -E '^GPU:|^--compare' "$LOG/bench.log"
    fi
    echo
    echo "(logs: $LOG/build.log tests.log memcheck.log racecheck.log synccheck.log bench.log)"
}
NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
trap summary EXIT

phase "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv 2>&1 | head -3
"$NVCC" --version 2>&1 | tail -2

phase "build: make CUDA=1 (at most $(budget 300) s)"
timeout "$(budget 300)" make -j"$(nproc)" CUDA=1 BUILD="$B" BIN="$B/wi" "$B/wi" "$B/wi_tests" "$B/wi_bench" \
    >"$LOG/build.log" 2>&1
build=$?
grep -E 'error|warning' "$LOG/build.log" | head -20
tail -3 "$LOG/build.log"
if [ ! -x "$B/wi_tests" ] || [ ! -x "$B/wi" ]; then
    echo "no binaries in $B: see $LOG/build.log"
    exit 1
fi
[ "$build" = 0 ] || echo "the build failed: running the binaries already in $B"

phase "GPU tests (at most $(budget 200) s)"
# the cuda suite, and the trainer cases that run on every path (the GPU's among them)
GUARDS=guards_math/trainer_visits_the_shuffled_order:guards_run/epoch_accuracy_with_a_short_last_batch,divergence_names_the_layer
timeout "$(budget 200)" "$B/wi_tests" --run_test="cuda:$GUARDS" --log_level=message --color_output=no >"$LOG/tests.log" 2>&1
tests=$?
grep -vE 'skipped because disabled' "$LOG/tests.log" | tail -40
# A GPU check whose GPU cases were all skipped proved nothing: that is a failure, not a pass.
gpu_skips=$(grep -cE '^(cuda/[a-z_]+: skipped: (no GPU|built without CUDA)|guards_[a-z]+/[a-z_]+: skipped on cuda)' "$LOG/tests.log")
if [ "$gpu_skips" -gt 0 ]; then
    echo "GPU tests: $gpu_skips GPU case(s) skipped (no GPU, or built without CUDA): this check FAILS"
    [ "$tests" = 0 ] && tests=skipped-gpu
fi

CS=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer 2>/dev/null | head -1)
if [ -n "$CS" ]; then
    # memcheck: every kernel's twin test, one step and a small epoch of every variant
    KERNELS=cuda/linear_kernels_match_their_twins,elementwise_kernels_match_their_twins,cross_entropy_kernels_match_their_twins,gather_normalizes_exactly_as_the_cpu,one_step_matches_the_reference_step,a_small_epoch_matches_the_reference
    # racecheck and synccheck: the fused kernel's shared memory and barriers, one step and many
    FUSED=cuda/one_step_matches_the_reference_step,a_small_epoch_matches_the_reference
    phase "compute-sanitizer memcheck (at most $(budget 90) s)"
    timeout "$(budget 90)" "$CS" --tool memcheck --leak-check full --error-exitcode 9 "$B/wi_tests" \
        --run_test="$KERNELS" >"$LOG/memcheck.log" 2>&1
    memcheck=$?
    tail -4 "$LOG/memcheck.log"
    phase "compute-sanitizer racecheck (at most $(budget 120) s)"
    timeout "$(budget 120)" "$CS" --tool racecheck --racecheck-report hazard --error-exitcode 9 "$B/wi_tests" \
        --run_test="$FUSED" >"$LOG/racecheck.log" 2>&1
    racecheck=$?
    tail -4 "$LOG/racecheck.log"
    phase "compute-sanitizer synccheck (at most $(budget 60) s)"
    timeout "$(budget 60)" "$CS" --tool synccheck --error-exitcode 9 "$B/wi_tests" \
        --run_test=cuda/one_step_matches_the_reference_step >"$LOG/synccheck.log" 2>&1
    synccheck=$?
    tail -4 "$LOG/synccheck.log"
else
    echo "compute-sanitizer: not installed here, skipped"
fi

phase "benchmark (at most $(budget 300) s)"
timeout "$(budget 300)" "$B/wi_bench" --root . --no-torch --reps 3 >"$LOG/bench.log" 2>&1
bench=$?
tail -25 "$LOG/bench.log"

[ "$build$tests$bench" = 000 ] && [[ "$memcheck$racecheck$synccheck" =~ ^(000|skipskipskip)$ ]]
