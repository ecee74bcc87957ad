#!/usr/bin/env bash
# The Python package's tests (python/tests, pytest) against the package as a user installs it:
# `pip install ./python` into the venv .build-python-venv (gitignored; numpy, pytest, pandas
# and matplotlib are installed there too), then the wheel of scripts/build-python-wheel.sh
# installed and imported on its own. The tests compare with the `logstore` command
# (.build/debug/logstore, built here if missing). Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/ensure-deps.sh

# a fresh Debian machine may lack python3 or its venv module
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  echo "installing: python3 python3-venv" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-venv >/dev/null
fi

venv=.build-python-venv
if ! "$venv/bin/python" -c 'import numpy, pytest, pandas, matplotlib' >/dev/null 2>&1; then
  echo "creating $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip >&2
  "$venv/bin/pip" install -q numpy pytest pandas matplotlib >&2
fi

swift build --product logstore >&2
# pip install ./python: builds liblogstore.so with Swift (scripts/build-clib.sh) and installs.
"$venv/bin/pip" install -q --force-reinstall --no-deps ./python >&2
rm -rf python/build python/logstore.egg-info

# The wheel for machines without Swift: the library inside, importable from the wheel alone.
wheel="$(PYTHON="$venv/bin/python" scripts/build-python-wheel.sh)"
case "$(basename "$wheel")" in logstore-*-py3-none-linux_*.whl) ;; *) echo "FAIL: wheel tag: $wheel" >&2; exit 1 ;; esac
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
"$venv/bin/pip" install -q --no-deps --target "$unpacked" "$wheel" >&2
(cd "$unpacked" && env -u LOGSTORE_LIBRARY PYTHONPATH="$unpacked" "$OLDPWD/$venv/bin/python" -c '
import logstore, os, sys, tempfile
assert logstore.__file__.startswith(sys.argv[1]), logstore.__file__
with logstore.Store(os.path.join(tempfile.mkdtemp(), "s.db")) as s:
    assert s.envs() == ["main"]
print("wheel ok:", os.path.basename(sys.argv[2]))
' "$unpacked" "$wheel")

# Run from python/tests so that `import logstore` is the installed package, not ./python.
status=0
(cd python/tests && env -u LOGSTORE_LIBRARY LOGSTORE_PYTHON_TESTS_REQUIRE_ALL=1 LOGSTORE_CLI="$OLDPWD/.build/debug/logstore" \
  MPLBACKEND=Agg "$OLDPWD/$venv/bin/python" -m pytest -p no:cacheprovider -q "$@") || status=$?
if [ "$status" -eq 5 ]; then
  echo "FAIL: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
