#!/usr/bin/env bash
# Settlement benchmark (issues 5 and 16): N deals settled back to back against the raw rate of
# fsync'd single-row commits on the same store, in one run.
#   usage: scripts/bench-settlement.sh [DEALS] [sqlite|postgres]
# SQLite: synchronous=FULL. `postgres`: a throwaway cluster with durable settings (fsync and
# synchronous_commit on), or RIGHTS_BENCH_POSTGRES_URL if set.
set -euo pipefail
cd "$(dirname "$0")/.."
deals="${1:-500}"
store="${2:-sqlite}"
workdir="${BENCH_DIR:-$(mktemp -d)}"
swift build -c release --product SettlementBenchmark >/dev/null
bin="$(swift build -c release --show-bin-path)"
if [ "$store" = postgres ]; then
    if [ -n "${RIGHTS_BENCH_POSTGRES_URL:-}" ]; then
        "$bin/SettlementBenchmark" "$workdir" "$deals" "$RIGHTS_BENCH_POSTGRES_URL"
    else
        PG_DURABLE=1 scripts/with-postgres.sh bash -c \
            "\"$bin/SettlementBenchmark\" \"$workdir\" \"$deals\" \"\$RIGHTS_TEST_POSTGRES_URL\""
    fi
else
    "$bin/SettlementBenchmark" "$workdir" "$deals"
fi
