#!/usr/bin/env bash
# Measures `logstore import` (release build) on replay logs made of one huge line, under
# /usr/bin/time -v: exit status, the error it prints, wall time and peak RSS.
#
#   Fuzz/measure-huge-line.sh [MB]     (default 300)
#
# 1. A line of MB megabytes without a newline (a log cut off mid-line, or garbage): the line
#    reader must stop at its 256 MiB cap with an error, not buffer the whole file.
# 2. A valid message of 100 MB (a text window whose content is 100 MB), with its newline: the
#    cost of a huge line that is accepted.
# The files are generated in a temporary directory and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-300}
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product logstore --scratch-path .build-measure >&2
bin=$PWD/.build-measure/release/logstore
dir=$(mktemp -d "${TMPDIR:-/tmp}/logstore-huge-line.XXXXXX")
trap 'rm -rf "$dir"' EXIT

measure() {  # name file
    local status=0
    /usr/bin/time -v "$bin" --db "$dir/$1.db" import "$2" >"$dir/$1.out" 2>"$dir/$1.err" || status=$?
    echo "== $1: $(stat -c %s "$2") bytes in $2"
    echo "exit status: $status"
    grep -v '^\s' "$dir/$1.err" | sed 's/^/stderr: /' | cut -c1-200 || true
    sed 's/^/stdout: /' "$dir/$1.out" | cut -c1-200
    grep -E 'Maximum resident set size|Elapsed \(wall clock\)' "$dir/$1.err" | sed 's/^\s*/time: /'
}

python3 - "$dir/no-newline.jsonl" "$mb" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(b'["events", {"win": "w", "data": [{"type": "text", "content": "')
    block = b"a" * (1 << 20)
    for _ in range(mb):
        f.write(block)
PY
measure no-newline "$dir/no-newline.jsonl"
rm -f "$dir/no-newline.jsonl"

python3 - "$dir/valid.jsonl" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b'["events", {"win": "w", "eid": "huge", "data": [{"type": "text", "content": "')
    block = b"a" * (1 << 20)
    for _ in range(100):
        f.write(block)
    f.write(b'"}], "layout": {}, "opts": {}}]\n')
PY
measure valid-100MB "$dir/valid.jsonl"
