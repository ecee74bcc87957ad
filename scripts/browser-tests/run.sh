#!/usr/bin/env bash
# visdom's web page in headless chromium against the real visdom server and logstore-server
# (page_test.py), for CI. Installs what a fresh Debian machine lacks (chromium, the libjs
# packages, the visdom venv), assembles the offline static directory, builds the server.
# Screenshots go to .build-browser/artifacts/. Arguments go to page_test.py (e.g. --only live).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing: chromium" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
scripts/ensure-deps.sh
python="$(scripts/visdom-venv.sh)"
static="$(scripts/browser-tests/assemble-static.sh .build-browser/static)"
swift build --package-path Server
exec "$python" scripts/browser-tests/page_test.py --server Server/.build/debug/logstore-server \
  --static "$static" --artifacts .build-browser/artifacts "$@"
