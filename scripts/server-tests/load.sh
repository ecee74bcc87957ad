#!/usr/bin/env bash
# The server load comparison in Benchmarks/README.md: builds logstore-server in release,
# installs wrk if missing, and runs load.py with the visdom venv's Python. Not part of CI (it
# takes minutes and its figures depend on the machine). Arguments go to load.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/ensure-deps.sh
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing: wrk" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
swift build -c release --package-path Server
python="$(scripts/visdom-venv.sh)"
exec "$python" scripts/server-tests/load.py --server Server/.build/release/logstore-server "$@"
