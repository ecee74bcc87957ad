#!/usr/bin/env bash
# Tests scripts/install.sh on this clone (CI runs it after the server's tests, whose debug builds
# it reuses): installs into a fresh prefix and into the default ~/.local/bin of a fresh HOME,
# then runs the installed logstore from another directory with only the prefix on PATH:
# --version, an import, and `logstore serve`, which must find the installed logstore-server.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "install-tests: FAIL: $*" >&2; exit 1; }

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
echo "install-tests: ok (install.sh into a prefix and into ~/.local/bin; installed logstore imports and serves)"
