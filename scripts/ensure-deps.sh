#!/usr/bin/env bash
# Installs what LogStore needs to build on a fresh Debian machine: SQLite's headers and
# pkg-config (Swift itself is expected at /opt/swift or on PATH). Does nothing if present.
# --for-tests also installs what the CLI tests run: bash, zsh and fish (completion scripts),
# less and script(1) (the pager on a pseudo-terminal).
set -euo pipefail
need=()
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ "${1:-}" = "--for-tests" ]; then
  for tool in zsh fish less; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
  command -v script >/dev/null 2>&1 || need+=(bsdutils)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  echo "note: add /opt/swift/usr/bin to PATH" >&2
fi
