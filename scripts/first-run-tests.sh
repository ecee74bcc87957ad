#!/usr/bin/env bash
# A newcomer's first commands, on this clone (CI runs it after the server's tests, whose debug
# builds it reuses):
# 1. scripts/install.sh into a fresh prefix and into the default ~/.local/bin of a fresh HOME;
#    the installed logstore, run from another directory with only the prefix on PATH, answers
#    --version, imports, and `logstore serve` finds the installed logstore-server;
# 2. scripts/demo.sh says each step, builds, imports and shows the bundled run (skipped when a
#    ./logstore.db exists in the clone: the demo starts it afresh).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
path="$PATH"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "first-run-tests: FAIL: $*" >&2; exit 1; }

# 1. An explicit prefix.
scripts/install.sh --debug "$work/prefix/bin" 2> "$work/install.log" > /dev/null || { cat "$work/install.log" >&2; fail "install.sh exited $?"; }
grep -q "^==> building logstore (debug)" "$work/install.log" || fail "install.sh did not say what it builds"
grep -q "^installed $work/prefix/bin/logstore and $work/prefix/bin/logstore-server" "$work/install.log" || fail "no 'installed' line"
grep -q "is not on your PATH" "$work/install.log" || fail "no PATH note for a prefix that is not on PATH"
for b in logstore logstore-server; do [ -x "$work/prefix/bin/$b" ] || fail "$b not installed"; done

# 2. The default prefix: ~/.local/bin.
HOME="$work/home" scripts/install.sh --debug 2> "$work/install2.log" > /dev/null || { cat "$work/install2.log" >&2; fail "install.sh (default prefix) failed"; }
for b in logstore logstore-server; do [ -x "$work/home/.local/bin/$b" ] || fail "$b not in ~/.local/bin"; done

# 3. The installed binaries work from elsewhere, with nothing of the clone on PATH.
mkdir "$work/run" && cd "$work/run"
export PATH="$work/prefix/bin:/usr/bin:/bin"
unset LOGSTORE_SERVER LOGSTORE_DB
logstore --version | grep -q "^logstore " || fail "logstore --version"
logstore import "$root/examples/training-run.jsonl" 2> "$work/import.log" || fail "import: $(cat "$work/import.log")"
logstore serve --port 0 > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "serving logstore.db on http://127.0.0.1:" "$work/serve.out" && break
  kill -0 "$server_pid" 2>/dev/null || fail "logstore serve exited: $(cat "$work/serve.err")"
  sleep 0.1
done
grep -q "serving logstore.db on http://127.0.0.1:" "$work/serve.out" || fail "logstore serve did not start: $(cat "$work/serve.err")"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
echo "first-run-tests: install.sh ok (into a prefix and into ~/.local/bin; the installed logstore imports and serves)" >&2

# 4. The demo, with the PATH this script was given.
cd "$root"
export PATH="$path"
if [ -e logstore.db ]; then
  echo "first-run-tests: demo skipped: ./logstore.db exists and the demo would replace it" >&2
  exit 0
fi
scripts/demo.sh > "$work/demo.out" 2> "$work/demo.err" || { cat "$work/demo.err" >&2; fail "demo.sh exited non-zero"; }
rm -f logstore.db logstore.db-wal logstore.db-shm
for step in "==> checking the build dependencies" "==> building logstore, release" "==> importing examples/training-run.jsonl"; do
  grep -q "^$step" "$work/demo.err" || fail "the demo did not say: $step"
done
grep -q "^imported 395 messages" "$work/demo.err" || fail "the demo's import: $(cat "$work/demo.err")"
grep -q "^mnist_run " "$work/demo.out" || fail "the demo's ls shows no mnist_run"
grep -q '"id": "loss"' "$work/demo.out" || fail "the demo exported no loss window"
echo "first-run-tests: demo.sh ok" >&2
