#!/usr/bin/env bash
# run.sh - runs each libFuzzer harness for a while; called by `make fuzz`.
#
#   tests/fuzz/run.sh SECONDS BUILD_DIR HARNESS...
#
# Each harness NAME reads the committed seeds in tests/fuzz/corpus_NAME/ (read-only: what the
# fuzzer finds goes to a scratch corpus that is deleted afterwards) and runs for SECONDS, all
# harnesses at the same time. A crash, sanitizer report, leak, time-out (10 s for one input) or
# out-of-memory leaves its input in BUILD_DIR/fuzz-artifacts/ - reproduce with
# `BUILD_DIR/NAME FILE` - and fails the run. Prints one line per harness with its executions.
set -uo pipefail
seconds=$1 build=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
# Scratch space in memory where there is some: every input is written to a file first.
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
scratch=$(mktemp -d "$base/wi-fuzz-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build/fuzz-artifacts"

pids=()
for name in "$@"; do
  short=${name#fuzz_}
  mkdir -p "$scratch/$name/corpus" "$scratch/$name/tmp"
  dict=()
  [ -f "$here/$short.dict" ] && dict=(-dict="$here/$short.dict")
  TMPDIR="$scratch/$name/tmp" "$build/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name-" "${dict[@]}" \
    "$scratch/$name/corpus" "$here/corpus_$short" >"$scratch/$name.log" 2>&1 &
  pids+=($!)
done

failed=0
i=0
for name in "$@"; do
  status=0
  wait "${pids[$i]}" || status=$?
  i=$((i + 1))
  log="$scratch/$name.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    echo "fuzz: $name: ${runs:-?} executions in ${seconds} s, no findings"
  else
    failed=1
    echo "fuzz: $name: FAILED (exit $status) after ${runs:-?} executions; the end of its log:"
    tail -n 60 "$log"
    ls "$build/fuzz-artifacts/$name-"* 2>/dev/null | sed 's/^/  artifact: /'
  fi
done
exit $failed
