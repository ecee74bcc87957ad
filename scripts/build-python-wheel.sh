#!/usr/bin/env bash
# Builds a wheel of the Python package with liblogstore.so inside (tagged py3-none-PLATFORM),
# for machines without Swift: `pip install dist/logstore-*.whl`. Prints the wheel's path.
# Uses $PYTHON (default python3) with pip; the wheel goes to .build-python/dist (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
dist="$(scripts/build-clib.sh)"
out=.build-python/dist
rm -rf "$out" python/build python/logstore.egg-info
LOGSTORE_LIBRARY="$dist/lib/liblogstore.so" "$python" -m pip wheel --no-deps -q -w "$out" ./python >&2
rm -rf python/build python/logstore.egg-info
ls "$PWD/$out"/logstore-*.whl
