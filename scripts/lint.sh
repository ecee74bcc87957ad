#!/usr/bin/env bash
# swift format lint over every Swift file of the project, with the repository's .swift-format.
# Exit non-zero on any finding. `scripts/lint.sh --fix` formats in place first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
paths=(Package.swift Server/Package.swift Sources Tests Server/Sources Server/Tests Benchmarks Fuzz)
if [[ "${1:-}" == "--fix" ]]; then
    swift format format --in-place --recursive --parallel "${paths[@]}"
fi
swift format lint --strict --recursive --parallel "${paths[@]}"
echo "swift format lint: clean"
