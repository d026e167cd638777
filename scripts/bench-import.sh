#!/usr/bin/env bash
# Import benchmark (issues 2 and 6): builds the release binaries, generates a synthetic county of
# HOUSEHOLDS households (default 200,000: 1,000,000 parcels, 200,000 homesteads and share
# holdings), measures the raw insert rate of the same lines as the baseline, then the release
# `rights import` of the file, and prints records/s, the ratio and peak RSS.
#   usage: scripts/bench-import.sh [HOUSEHOLDS] [sqlite|postgres]
# `postgres` runs both on a throwaway PostgreSQL cluster with durable settings (fsync and
# synchronous_commit on), the baseline being COPY; or on RIGHTS_BENCH_POSTGRES_URL if set.
set -euo pipefail
cd "$(dirname "$0")/.."
households="${1:-200000}"
store="${2:-sqlite}"
workdir="${BENCH_DIR:-$(mktemp -d)}"
swift build -c release --product rights >/dev/null
swift build -c release --product ImportBenchmark >/dev/null
bin="$(swift build -c release --show-bin-path)"
echo "== import benchmark: $households households on $store, work directory $workdir"
if [ "$store" = postgres ]; then
    if [ -n "${RIGHTS_BENCH_POSTGRES_URL:-}" ]; then
        "$bin/ImportBenchmark" "$bin/rights" "$workdir" "$households" "$RIGHTS_BENCH_POSTGRES_URL"
    else
        PG_DURABLE=1 scripts/with-postgres.sh bash -c \
            "\"$bin/ImportBenchmark\" \"$bin/rights\" \"$workdir\" \"$households\" \"\$RIGHTS_TEST_POSTGRES_URL\""
    fi
else
    "$bin/ImportBenchmark" "$bin/rights" "$workdir" "$households"
fi
