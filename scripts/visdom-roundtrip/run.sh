#!/usr/bin/env bash
# Round-trip check for CI: `logstore export` files must load unchanged into the real
# visdom 0.2.4 server. Creates a visdom venv in .build-visdom-venv/ (gitignored) when it is
# missing or broken, then runs check_export_loads.py (which builds logstore into
# .build-roundtrip/). Arguments are passed on, e.g. `run.sh line_basic --keep`.
# $VISDOM_PYTHON, when set, is used instead of the venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"

# a fresh Debian machine may lack python3 or its venv module (like scripts/ensure-deps.sh)
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  echo "installing: python3 python3-venv" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-venv >/dev/null
fi

if [ -z "${VISDOM_PYTHON:-}" ]; then
  venv=.build-visdom-venv
  check='import visdom, numpy; assert visdom.__version__ == "0.2.4", visdom.__version__'
  if ! "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
    echo "creating $venv (visdom 0.2.4)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    # visdom 0.2.4 is an sdist whose setup.py needs pkg_resources: old setuptools, no isolation
    "$venv/bin/pip" install -q 'setuptools<70' wheel
    "$venv/bin/pip" install -q --no-build-isolation visdom==0.2.4 numpy
    "$venv/bin/python" -c "$check"
  fi
  VISDOM_PYTHON="$PWD/$venv/bin/python"
fi

exec python3 scripts/visdom-roundtrip/check_export_loads.py --visdom-python "$VISDOM_PYTHON" "$@"
