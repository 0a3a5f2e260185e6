#!/usr/bin/env bash
# Download the four MNIST .gz files into DEST (default: data/mnist next to this folder).
#
# Each file is tried on every mirror in turn (short connect timeout, so an offline machine
# gives up in seconds), written to a temporary name in DEST, checked against its published
# MD5, and only then renamed into place: DEST never holds a partial or unverified file.
# A file already in DEST whose MD5 matches is kept; one that does not match is fetched again.
#
# Exit status: 0 when all four files are present and verified (then a marker of an earlier
# failure, DEST/.fetch-failed, is removed), 1 otherwise, with a last line on stderr saying why:
#   fetch_mnist: failed: no network | HTTP error | checksum mismatch | download error | ...
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-"$here/../data/mnist"}
connect_timeout=${WI_FETCH_CONNECT_TIMEOUT:-3}
max_time=${WI_FETCH_MAX_TIME:-300}

mirrors=(
  "https://ossci-datasets.s3.amazonaws.com/mnist"
  "https://storage.googleapis.com/cvdf-datasets/mnist"
  "http://yann.lecun.com/exdb/mnist"
)
# WI_MNIST_MIRRORS="url1 url2" replaces the list (a local copy: file:///path/to/dir)
if [ -n "${WI_MNIST_MIRRORS:-}" ]; then read -r -a mirrors <<< "$WI_MNIST_MIRRORS"; fi
files=(
  "train-images-idx3-ubyte.gz f68b3c2dcbeaaa9fbdd348bbdeb94873"
  "train-labels-idx1-ubyte.gz d53e105ee54ea40749a09fcbcd1e9432"
  "t10k-images-idx3-ubyte.gz 9fb629c4189551a2d022fa330f9573f3"
  "t10k-labels-idx1-ubyte.gz ec29112dd5afa0611ce80d1b7f02629c"
)

md5_of() { md5sum "$1" 2>/dev/null | cut -d' ' -f1; }

# What went wrong with a download, from the tool's exit status: "no network" (the host not
# found, no connection, a timeout), "HTTP error" (the server refused the file), or "download error".
reason_of() {  # tool status
  case "$1:$2" in
    curl:6 | curl:7 | curl:28 | curl:35 | curl:56 | wget:4) echo "no network" ;;
    curl:22 | wget:8) echo "HTTP error" ;;
    *) echo "download error" ;;
  esac
}

tool=""
if command -v curl >/dev/null 2>&1; then tool=curl; elif command -v wget >/dev/null 2>&1; then tool=wget; fi
download() {  # url output
  if [ "$tool" = curl ]; then
    curl -fsL --connect-timeout "$connect_timeout" --max-time "$max_time" -o "$2" "$1"
  else
    wget -q --connect-timeout="$connect_timeout" --timeout="$max_time" --tries=1 -O "$2" "$1"
  fi
}

if [ -z "$tool" ]; then
  echo "fetch_mnist: failed: neither curl nor wget is installed" >&2
  exit 1
fi
mkdir -p "$dest" || { echo "fetch_mnist: failed: cannot create $dest" >&2; exit 1; }
# A signal stops the download and leaves no temporary file (nor an empty folder) behind.
tmp=""
stop() {
  [ -n "$tmp" ] && rm -f "$tmp"
  rmdir "$dest" 2>/dev/null
  exit $((128 + $1))
}
trap 'stop 1' HUP
trap 'stop 2' INT
trap 'stop 15' TERM
status=0
for entry in "${files[@]}"; do
  name=${entry% *}
  sum=${entry#* }
  target="$dest/$name"
  if [ -f "$target" ]; then
    if [ "$(md5_of "$target")" = "$sum" ]; then
      continue
    fi
    echo "fetch_mnist: $target has the wrong MD5, fetching it again" >&2
    rm -f "$target"
  fi
  ok=0
  why=""  # the most telling reason over the mirrors: checksum mismatch, HTTP error, download error, no network
  note() {
    case "$why:$1" in
      "checksum mismatch:"* | "HTTP error:no network" | "HTTP error:download error" | "download error:no network") ;;
      *) why=$1 ;;
    esac
  }
  for mirror in "${mirrors[@]}"; do
    tmp=$(mktemp "$dest/.$name.XXXXXX") || { why="cannot write in $dest"; status=1; break; }
    if download "$mirror/$name" "$tmp"; then :; else
      code=$?
      echo "fetch_mnist: $mirror/$name: download failed ($tool exit $code)" >&2
      note "$(reason_of "$tool" "$code")"
    fi
    if [ -s "$tmp" ]; then
      if [ "$(md5_of "$tmp")" = "$sum" ]; then
        chmod 644 "$tmp" && mv -f "$tmp" "$target" && ok=1
      else
        echo "fetch_mnist: $mirror/$name: MD5 mismatch, trying the next mirror" >&2
        note "checksum mismatch"
      fi
    fi
    rm -f "$tmp"
    tmp=""
    [ $ok = 1 ] && break
  done
  if [ $ok = 1 ]; then
    echo "fetch_mnist: $target verified"
  else
    echo "fetch_mnist: could not fetch $name from any mirror" >&2
    echo "fetch_mnist: failed: ${why:-download error}" >&2
    status=1
    break   # offline: don't pay the timeouts four times
  fi
done
if [ $status = 0 ]; then
  rm -f "$dest/.fetch-failed"  # the next run of wi need not wait a day to use the files
else
  rmdir "$dest" 2>/dev/null  # leave no empty folder behind
fi
exit $status
