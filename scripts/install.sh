#!/usr/bin/env bash
# Builds logstore and logstore-server and puts both on PATH:
#
#   scripts/install.sh [--debug] [PREFIX]     # PREFIX defaults to ~/.local/bin
#
# Release builds (a few minutes the first time: logstore-server builds Hummingbird and
# SwiftNIO); --debug installs debug builds instead (faster to build, slower to run).
# `logstore serve` finds logstore-server next to logstore, so the two stay together.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

configuration=release
if [ "${1:-}" = "--debug" ]; then configuration=debug; shift; fi
if [ $# -gt 1 ] || [[ "${1:-}" == -* ]]; then
  echo "usage: scripts/install.sh [--debug] [PREFIX]   (PREFIX defaults to ~/.local/bin)" >&2
  exit 64
fi
prefix="${1:-$HOME/.local/bin}"

scripts/ensure-deps.sh
echo "==> building logstore ($configuration)" >&2
swift build -c "$configuration" --product logstore
echo "==> building logstore-server ($configuration; the first build also builds Hummingbird and SwiftNIO: a few minutes)" >&2
swift build -c "$configuration" --package-path Server --product logstore-server

echo "==> installing into $prefix" >&2
mkdir -p "$prefix"
install -m 0755 ".build/$configuration/logstore" "$prefix/logstore"
install -m 0755 "Server/.build/$configuration/logstore-server" "$prefix/logstore-server"
echo "installed $prefix/logstore and $prefix/logstore-server ($("$prefix/logstore" --version))" >&2

case ":$PATH:" in
  *":$prefix:"*) ;;
  *) echo "note: $prefix is not on your PATH; add it, e.g. in ~/.bashrc: export PATH=\"$prefix:\$PATH\"" >&2 ;;
esac
echo "shell completion: see 'logstore help completion'" >&2
