#!/usr/bin/env bash
# A newcomer's first run: builds LogStore, imports the bundled replay log of a small training
# run (recorded with the real visdom client) into ./logstore.db, shows what it stored and
# exports one window back as visdom JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
step() { printf '\n==> %s\n' "$*" >&2; }
step "checking the build dependencies (libsqlite3-dev, pkg-config)"
scripts/ensure-deps.sh
step "building logstore, release (about a minute the first time; swift build's progress follows)"
swift build -c release --product logstore
bin=.build/release/logstore
step "starting a fresh ./logstore.db"
rm -f logstore.db logstore.db-wal logstore.db-shm
step "importing examples/training-run.jsonl, a replay log recorded with the real visdom client"
$bin import examples/training-run.jsonl
step "logstore ls: the envs in the store"
$bin ls
step "logstore ls --env mnist_run: its windows"
$bin ls --env mnist_run
step "logstore log --limit 5: the last epochs and what each changed"
$bin log --limit 5 --no-pager
step "logstore export --env mnist_run --window loss --pretty: the loss window as visdom JSON (first 40 lines)"
$bin export --env mnist_run --window loss --pretty | head -n 40
