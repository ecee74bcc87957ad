#!/usr/bin/env bash
# Prints the path of a Python that has the real visdom 0.2.4 client and server (and numpy),
# with tornado < 6.3, under which visdom 0.2.4's own web page works (tornado 6.3 refuses its
# `../user/style.css` with 403: visdom issues #897, #938),
# creating the venv .build-visdom-venv/ (gitignored) when it is missing or broken.
# $VISDOM_PYTHON, when set, is used instead. Used by the round-trip and server tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${VISDOM_PYTHON:-}" ]; then echo "$VISDOM_PYTHON"; exit 0; fi

# a fresh Debian machine may lack python3 or its venv module (like scripts/ensure-deps.sh)
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  echo "installing: python3 python3-venv" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-venv >/dev/null
fi

venv=.build-visdom-venv
check='import visdom, numpy, tornado; assert visdom.__version__ == "0.2.4", visdom.__version__; assert tornado.version_info < (6, 3), tornado.version'
if ! "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
  echo "creating $venv (visdom 0.2.4)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  # visdom 0.2.4 is an sdist whose setup.py needs pkg_resources: old setuptools, no isolation
  "$venv/bin/pip" install -q 'setuptools<70' wheel >&2
  "$venv/bin/pip" install -q --no-build-isolation visdom==0.2.4 numpy 'tornado<6.3' >&2
  "$venv/bin/python" -c "$check"
fi
echo "$PWD/$venv/bin/python"
