#!/usr/bin/env bash
# Fuzz the JSON API from its own /openapi.json with schemathesis (pip install schemathesis):
# a release server on a throwaway demo registry, then one run as the public and one per role.
# Every check schemathesis has runs; the one that must never fail is `not_a_server_error` (no
# 500s). Usage: scripts/fuzz-api.sh [EXAMPLES_PER_OPERATION]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-60}"
command -v st >/dev/null || { echo "schemathesis (st) is not installed: pip install schemathesis" >&2; exit 69; }

swift build -c release --product rights >/dev/null
rights="$(swift build -c release --show-bin-path)/rights"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# schemathesis sends wrong tokens on purpose; the back-off after them (tested elsewhere) would
# answer the next runs 429, so it is set out of reach here.
"$rights" serve --demo --db "$work/registry.sqlite" --keys "$work/keys" --port "$port" --log-level warning \
    --auth-failures 1000000 \
    >"$work/serve.out" 2>"$work/serve.err" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
# shellcheck disable=SC2046
export $(grep -o '[A-Z]*_TOKEN=[^ ]*' "$work/serve.out")

# `positive_data_acceptance` expects every schema-valid body to be accepted; ours are also
# checked for what a schema cannot say (check digits, known parties, the rule book), so a
# schema-valid but unregistrable application is rightly refused with 404/409/422.
failed=0
for who in public CLERK BANK AGENT ADMIN; do
    header=()
    [ "$who" = public ] || { token="${who}_TOKEN"; header=(-H "Authorization: Bearer ${!token}"); }
    echo "== schemathesis as $who"
    st run "$base/openapi.json" --url "$base" "${header[@]}" --checks all \
        --exclude-checks positive_data_acceptance --max-examples "$examples" --seed 1 --no-color \
        || failed=1
done
if grep -q " status=500" "$work/serve.err"; then
    echo "the server answered 500:" >&2
    grep " status=500" "$work/serve.err" >&2
    failed=1
fi
exit "$failed"
