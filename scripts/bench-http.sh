#!/usr/bin/env bash
# HTTP benchmark (issue 4): a release server on a registry of HOUSEHOLDS synthetic households
# (default 40,000: 120,000 rights), loaded by wrk on 127.0.0.1 with CONNECTIONS connections
# (default 64) for DURATION (default 20s) each: first GET /healthz (the baseline: the same
# server, router and middleware with no work behind them), then POST /v1/collateral/searches
# over 5,000 different rights — each a logged, checkpointed act with a signed answer.
# Prints req/s, p50/p99 and the ratio search/healthz.
#   usage: scripts/bench-http.sh [HOUSEHOLDS] [CONNECTIONS] [DURATION] [sqlite|postgres]
# `postgres` serves a registry on a throwaway PostgreSQL cluster with durable settings (fsync and
# synchronous_commit on), or on RIGHTS_BENCH_POSTGRES_URL if set; /healthz stays the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
households="${1:-40000}"
connections="${2:-64}"
duration="${3:-20s}"
store="${4:-sqlite}"
if [ "$store" = postgres ] && [ -z "${RIGHTS_BENCH_POSTGRES_URL:-}" ]; then
    export PG_DURABLE=1
    exec scripts/with-postgres.sh bash -c \
        'RIGHTS_BENCH_POSTGRES_URL="$RIGHTS_TEST_POSTGRES_URL" exec scripts/bench-http.sh "$@"' _ "$@"
fi
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 69; }
threads="$(nproc)"

swift build -c release --product rights >/dev/null
swift build -c release --product HTTPBenchmark >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; [ -z "${BENCH_DIR:-}" ] && rm -rf "$work"' EXIT

echo "== HTTP benchmark: $households households on $store, $connections connections, $duration per run, $threads wrk threads"
"$bin/HTTPBenchmark" "$work" "$households" 5000
export RIGHTS_DB="$work/registry.sqlite" RIGHTS_KEYS="$work/keys"
if [ "$store" = postgres ]; then
    separator="?"; [[ "$RIGHTS_BENCH_POSTGRES_URL" == *"?"* ]] && separator="&"
    RIGHTS_DB="$RIGHTS_BENCH_POSTGRES_URL${separator}schema=bench_http_$$"
    rm -rf "$work/keys"
fi
rights=("$bin/rights")
if [ "$store" = postgres ] || [ ! -s "$work/registry.sqlite" ]; then
    "${rights[@]}" init --name bench.example/330424 >/dev/null
    start=$(date +%s)
    "${rights[@]}" import "$work/county.jsonl" | tail -1
    echo "imported in $(( $(date +%s) - start )) s"
fi
BANK_TOKEN="$("${rights[@]}" token issue --role bank --name 基准银行 --party 91330424MA2B1234XJ)"
export BANK_TOKEN
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"${rights[@]}" serve --port "$port" --log-level warning >"$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 200); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
size_before="$(curl -s "$base/v1/log/checkpoint" | sed -n 2p)"

cat >"$work/healthz.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d seconds=%.3f p50_us=%d p99_us=%d non2xx=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(99), summary.errors.status))
end
LUA

# CPU time (clock ticks, user + system) used so far by the processes named, and by the machine
# ("busy idle"): read around the search run to say where each search's CPU goes.
process_ticks() {
    local total=0 pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] && total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}
machine_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; }
# The database server's processes: the cluster's `postgres` processes on this machine.
database_pids() { if [ "$store" = postgres ]; then pgrep -x postgres || true; fi; }

run() { # name url script: the figures line on stderr, "req/s p50_ms p99_ms requests" on stdout
    local line
    line="$(wrk -t"$threads" -c"$connections" -d"$duration" -s "$3" "$2" | grep '^RESULT')"
    python3 - "$1" "$line" <<'PY'
import sys
name, line = sys.argv[1], sys.argv[2]
f = dict(kv.split("=") for kv in line.split()[1:])
rps, p50, p99 = int(f["requests"]) / float(f["seconds"]), int(f["p50_us"]) / 1000, int(f["p99_us"]) / 1000
print(f"{name:<24} {rps:>8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   "
      f"socket errors {f['errors']}, non-2xx {f['non2xx']}", file=sys.stderr)
print(rps, p50, p99, f["requests"])
PY
}
wrk -t"$threads" -c"$connections" -d3s "$base/healthz" >/dev/null  # warm-up
healthz="$(run "GET /healthz" "$base/healthz" "$work/healthz.lua")"
server_before="$(process_ticks "$server")"
database_before="$(process_ticks $(database_pids))"
machine_before="$(machine_ticks)"
search="$(run "POST collateral search" "$base" "$work/search.lua")"
server_after="$(process_ticks "$server")"
database_after="$(process_ticks $(database_pids))"
machine_after="$(machine_ticks)"
size_after="$(curl -s "$base/v1/log/checkpoint" | sed -n 2p)"
echo "searches logged: $(( size_after - size_before )) entries (log $size_before → $size_after)"
python3 - "$healthz" "$search" <<'PY'
import sys
h = [float(x) for x in sys.argv[1].split()]
s = [float(x) for x in sys.argv[2].split()]
print(f"ratio search/healthz: {s[0]/h[0]:.3f} (target ≥ 0.6); search p99 {s[2]:.2f} ms (target < 20 ms)")
PY
python3 - "$search" "$server_before $server_after" "$database_before $database_after" \
    "$machine_before $machine_after" "$(getconf CLK_TCK)" "$store" <<'PY'
import sys
requests = float(sys.argv[1].split()[3])
server, database = ([int(x) for x in sys.argv[i].split()] for i in (2, 3))
busy0, idle0, busy1, idle1 = (int(x) for x in sys.argv[4].split())
tick, store = int(sys.argv[5]), sys.argv[6]
per = lambda ticks: ticks / tick / requests * 1e6
other = (busy1 - busy0) - (server[1] - server[0]) - (database[1] - database[0])
line = f"CPU per search: registry server {per(server[1] - server[0]):.0f} µs"
if store == "postgres":
    line += f", PostgreSQL {per(database[1] - database[0]):.0f} µs" if database[1] else ", PostgreSQL not on this machine"
line += f", wrk and the rest {per(other):.0f} µs; machine idle {100 * (idle1 - idle0) / (busy1 - busy0 + idle1 - idle0):.0f} %"
print(line)
PY
"${rights[@]}" audit >/dev/null && echo "audit after the run: clean"
