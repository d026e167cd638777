#!/usr/bin/env bash
# The test command (README): builds everything, fails on any compiler warning in this project's
# own code, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
swift build --build-tests 2>&1 | tee "$log"
if grep -E "^($root/(Sources|Tests|Benchmarks)/.*|macro expansion .*): warning:" "$log"; then
    echo "error: compiler warnings in the project's code (warnings are errors)" >&2
    exit 1
fi
swift test --skip-build
