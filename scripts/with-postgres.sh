#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: initdb in a temporary directory, the
# server on 127.0.0.1 at a free port, stopped and removed when the command ends. The command
# finds the database in RIGHTS_TEST_POSTGRES_URL.
#
#   scripts/with-postgres.sh swift test
#   scripts/with-postgres.sh --available    # exit 0 if the server programs are installed
#
# Needs PostgreSQL's server programs (Debian: apt-get install postgresql). As root, the cluster
# runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
initdb="$(command -v initdb || true)"
[ -n "$initdb" ] || initdb="${bin:+$bin/initdb}"
if [ -z "$initdb" ] || [ ! -x "$initdb" ]; then
    echo "with-postgres: PostgreSQL's server programs (initdb) are not installed" >&2
    exit 3
fi
bindir="$(dirname "$(readlink -f "$initdb")")"
[ "${1:-}" = --available ] && exit 0

as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi

cluster="$(mktemp -d /tmp/rights-pg.XXXXXX)"
[ "${#as_owner[@]}" -eq 0 ] || chown postgres "$cluster"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" -U rights --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
# Tests run without fsync (a throwaway cluster); benchmarks set PG_DURABLE=1 to keep PostgreSQL's
# defaults (fsync, synchronous_commit on), so they compare durable commits with durable commits.
settings="-c listen_addresses=127.0.0.1 -p $port -k $cluster -c max_connections=300"
[ "${PG_DURABLE:-0}" = 1 ] || settings="$settings -c fsync=off -c full_page_writes=off"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -o "$settings" start >/dev/null \
    || { cat "$cluster/server.log" >&2; exit 1; }
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U rights rights_test

export RIGHTS_TEST_POSTGRES_URL="postgres://rights@127.0.0.1:$port/rights_test?sslmode=disable"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
