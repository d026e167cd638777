#!/usr/bin/env bash
# Log benchmark (issue 3): inclusion proofs at 1M and 10M entries, checkpoint signing per
# write, certificate issue/verify against raw Ed25519 and SM2 sign/verify, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
workdir="${BENCH_DIR:-$(mktemp -d)}"
swift build -c release --product LogBenchmark >/dev/null
if [ "$#" -eq 0 ]; then set -- 1000000 10000000; fi
"$(swift build -c release --show-bin-path)/LogBenchmark" "$workdir" "$@"
