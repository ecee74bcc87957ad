#!/usr/bin/env bash
# Round-trip check for CI: `logstore export` files must load unchanged into the real
# visdom 0.2.4 server. Gets visdom from scripts/visdom-venv.sh, then runs
# check_export_loads.py (which builds logstore into .build-roundtrip/). Arguments are passed
# on, e.g. `run.sh line_basic --keep`. $VISDOM_PYTHON, when set, is used instead of the venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"

VISDOM_PYTHON="$(scripts/visdom-venv.sh)"

exec python3 scripts/visdom-roundtrip/check_export_loads.py --visdom-python "$VISDOM_PYTHON" "$@"
