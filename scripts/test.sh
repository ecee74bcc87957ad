#!/usr/bin/env bash
# The project's test command: installs what is missing, then runs every test (XCTest;
# the suite has no swift-testing tests, so its empty closing summary is switched off).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/ensure-deps.sh --for-tests
swift test --disable-swift-testing "$@"
