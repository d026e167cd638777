#!/usr/bin/env bash
# The pages in a real browser (Tests/Browser/test_pages.py): headless Chromium driven by
# Selenium against `rights serve --demo` on 127.0.0.1. Needs Debian's chromium, chromium-driver
# and zbar-tools, and Selenium and joserfc from PyPI. Without them it is skipped with a note —
# unless RIGHTS_REQUIRE_BROWSER=1 (CI), where a missing piece is an error.
# Screenshots (and the printed certificate as PDF) go to $RIGHTS_ARTIFACTS, by default
# .build/browser-artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
python3 -c "import selenium" 2>/dev/null || missing+=("selenium (PyPI)")
python3 -c "import joserfc" 2>/dev/null || missing+=("joserfc (PyPI)")
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "${RIGHTS_REQUIRE_BROWSER:-0}" = 1 ]; then
        echo "error: the browser tests need: ${missing[*]}" >&2
        exit 1
    fi
    echo "note: browser tests skipped; missing: ${missing[*]}" >&2
    exit 0
fi

rights="${RIGHTS_BINARY:-.build/debug/rights}"
[ -x "$rights" ] || swift build --product rights
artifacts="${RIGHTS_ARTIFACTS:-.build/browser-artifacts}"
rm -rf "$artifacts"
python3 -W ignore::Warning Tests/Browser/test_pages.py --rights "$rights" --artifacts "$artifacts"
