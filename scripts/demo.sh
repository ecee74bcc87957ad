#!/usr/bin/env bash
# A newcomer's first run: builds LogStore, imports the bundled replay log of a small training
# run (recorded with the real visdom client) into ./logstore.db, shows what it stored and
# exports one window back as visdom JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/ensure-deps.sh
swift build -c release --product logstore >/dev/null
bin=.build/release/logstore
rm -f logstore.db logstore.db-wal logstore.db-shm
set -x
$bin import examples/training-run.jsonl
$bin ls
$bin ls --env mnist_run
$bin export --env mnist_run --window loss --pretty | head -n 40
