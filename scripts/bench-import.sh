#!/usr/bin/env bash
# Import benchmark (issue 2): builds the release binaries, generates a synthetic county of
# HOUSEHOLDS households (default 200,000: 1,000,000 parcels, 200,000 homesteads and share
# holdings), measures the raw SQLite insert rate of the same lines as the baseline, then the
# release `rights import` of the file, and prints records/s, the ratio and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
households="${1:-200000}"
workdir="${BENCH_DIR:-$(mktemp -d)}"
swift build -c release --product rights >/dev/null
swift build -c release --product ImportBenchmark >/dev/null
bin="$(swift build -c release --show-bin-path)"
echo "== import benchmark: $households households, work directory $workdir"
"$bin/ImportBenchmark" "$bin/rights" "$workdir" "$households"
