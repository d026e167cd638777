#!/usr/bin/env bash
# Settlement benchmark (issue 5): N deals settled back to back (synchronous=FULL) against the
# raw rate of fsync'd single-row SQLite commits, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
workdir="${BENCH_DIR:-$(mktemp -d)}"
swift build -c release --product SettlementBenchmark >/dev/null
"$(swift build -c release --show-bin-path)/SettlementBenchmark" "$workdir" "${1:-500}"
