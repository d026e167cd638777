#!/usr/bin/env bash
# The test command (README): builds everything (a compiler warning in this project's own code is
# an error), and runs the whole test suite against both stores — SQLite always, PostgreSQL on a
# throwaway cluster (scripts/with-postgres.sh) when its server programs are installed, or on
# the database RIGHTS_TEST_POSTGRES_URL names. With RIGHTS_REQUIRE_POSTGRES=1 (CI) a missing
# PostgreSQL is an error rather than a skip. Then the pages in headless Chromium
# (scripts/test-browser.sh; RIGHTS_REQUIRE_BROWSER=1 makes a missing browser an error).
set -euo pipefail
cd "$(dirname "$0")/.."

# Warnings are errors in the compiler (Package.swift), so the build fails on any warning in this
# project's code, in a clean clone and in an incremental build alike.
swift build --build-tests

# Pass 1: every suite on its default store (SQLite in memory), the store suites on every store.
# Pass 2: the registry, exchange, server and CLI suites again, each test on a PostgreSQL schema.
# Each pass takes about two minutes here; one still running after thirty has hung, and the
# watchdog says which tests had not finished instead of letting it use up CI's time.
both_stores='scripts/watchdog.sh 1800 swift test --skip-build && echo "--- the suites again, on PostgreSQL" >&2 &&
    scripts/watchdog.sh 1800 env RIGHTS_TEST_STORE=postgres swift test --skip-build --filter "RightsRegistryTests|ExchangeTests|RegistryServerTests|RegistryCLITests"'

if [ -n "${RIGHTS_TEST_POSTGRES_URL:-}" ]; then
    bash -c "$both_stores"
elif scripts/with-postgres.sh --available 2>/dev/null; then
    scripts/with-postgres.sh bash -c "$both_stores"
elif [ "${RIGHTS_REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "error: PostgreSQL's server programs are not installed (apt-get install postgresql)" >&2
    exit 1
else
    echo "note: PostgreSQL's server programs are not installed; testing on SQLite only" >&2
    scripts/watchdog.sh 1800 swift test --skip-build
fi

# The browser suite takes under a minute here.
scripts/watchdog.sh 900 scripts/test-browser.sh
