#!/usr/bin/env bash
# tests/mpi_sweep_check.sh - a sweep on 3 MPI ranks writes what one process writes: the same
# sweep.csv rows, whatever rank ran each run and in whatever order they finished; only the
# `seconds` column (how long a run took) and the `# ` comment lines (which say how the runs
# were spread) may differ. Rows are compared by column name, sorted, so the comparison holds
# whatever the column order.
#
# usage: bash tests/mpi_sweep_check.sh      (needs ./wi, build-mpi/wi and mpirun: make; make MPI=1)
# Exit 0 when they agree (or, with one line, when this wi has no sweep command yet), 1 when
# they differ, 2 when something is missing or a sweep fails.
set -euo pipefail
cd "$(dirname "$0")/.."
GRID='init=zeros,xavier_normal,kaiming_normal;lr=0.01,0.1'
for bin in ./wi build-mpi/wi; do
    [ -x "$bin" ] || { echo "mpi_sweep_check: $bin is not built (make; make MPI=1)"; exit 2; }
done
command -v mpirun >/dev/null 2>&1 || { echo "mpi_sweep_check: no mpirun (Debian: openmpi-bin; make deps MPI=1)"; exit 2; }
if ! ./wi sweep --help >/dev/null 2>&1; then
    echo "mpi_sweep_check: skipped: this wi has no sweep command"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wi-mpi-sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export WI_NO_FETCH=1
./wi sweep --grid "$GRID" --epochs 1 --out "$tmp/one" -q >"$tmp/one.log" 2>&1 ||
    { cat "$tmp/one.log"; echo "mpi_sweep_check: ./wi sweep failed"; exit 2; }
mpirun --allow-run-as-root --oversubscribe -np 3 build-mpi/wi sweep --grid "$GRID" --epochs 1 --out "$tmp/mpi" -q \
    >"$tmp/mpi.log" 2>&1 || { cat "$tmp/mpi.log"; echo "mpi_sweep_check: the sweep on 3 ranks failed"; exit 2; }
python3 - "$tmp/one/sweep.csv" "$tmp/mpi/sweep.csv" <<'PY'
import csv, sys

def die(message):  # something missing or unreadable: status 2, as for the shell's checks
    print(message)
    sys.exit(2)

def rows(path):
    try:
        with open(path, newline="") as f:
            lines = [l for l in f if not l.startswith("#")]
    except OSError as e:
        die("mpi_sweep_check: %s: %s" % (path, e.strerror))
    table = list(csv.reader(lines))
    if not table:
        die("mpi_sweep_check: %s: no header row" % path)
    head = table[0]
    keep = [i for i, name in enumerate(head) if name != "seconds"]
    if len(keep) == len(head):
        print("mpi_sweep_check: note: %s has no seconds column" % path)
    names = [head[i] for i in keep]
    body = sorted(tuple(r[i] if i < len(r) else "" for i in keep) for r in table[1:] if r)
    return names, body

one_head, one = rows(sys.argv[1])
mpi_head, mpi = rows(sys.argv[2])
if sorted(one_head) != sorted(mpi_head):
    print("mpi_sweep_check: the columns differ:\n  1 process: %s\n  3 ranks:   %s" % (one_head, mpi_head))
    sys.exit(1)
order = [mpi_head.index(n) for n in one_head]
mpi = sorted(tuple(r[i] for i in order) for r in mpi)
if not one:
    die("mpi_sweep_check: no rows in %s" % sys.argv[1])
if one != mpi:
    print("mpi_sweep_check: the rows differ (seconds left out):")
    for r in sorted(set(one) - set(mpi)):
        print("  only from 1 process: " + ",".join(r))
    for r in sorted(set(mpi) - set(one)):
        print("  only from 3 ranks:   " + ",".join(r))
    sys.exit(1)
print("mpi_sweep_check: ok: %d runs, the same rows from 1 process and from 3 ranks (seconds left out)" % len(one))
PY
