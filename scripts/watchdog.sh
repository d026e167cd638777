#!/usr/bin/env bash
# watchdog.sh SECONDS COMMAND…: runs a test command with a time limit.
#
# A test run that hangs would use up CI's whole budget and print nothing about why. Past the
# limit this prints the tests that started and never finished, the stacks of the test process's
# threads where they run the project's code (gdb, when installed), and the processes the run
# started, then stops them all and exits 124.
set -uo pipefail
limit="$1"
shift

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Line-buffered, so that what the tests printed so far is in the log (and on CI's screen) when
# the limit comes: a test binary writing to a pipe otherwise holds it all until it exits.
stdbuf -oL -eL "$@" > >(tee -a "$log") 2>&1 &
pid=$!

descendants() {
    local child
    for child in $(pgrep -P "$1"); do
        echo "$child"
        descendants "$child"
    done
}

report() {
    echo "=== watchdog: still running after ${limit} s: $*"
    echo "--- tests started and not finished"
    python3 - "$log" <<'PYTHON'
import re, sys
started, finished = [], set()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)  # colours, when the test binary uses them
    if m := re.search(r"◇ Test (.+?) started\.", line):
        if m.group(1) != "run" and not m.group(1).startswith("case "):
            started.append(m.group(1))
    elif m := re.search(r"[✔✘] Test (.+?) (?:with \d+ test cases? )?(?:passed|failed) after", line):
        finished.add(m.group(1))
for name in started:
    if name not in finished:
        print("   ", name)
PYTHON
    local processes
    processes="$(echo "$pid"; descendants "$pid")"
    echo "--- processes of the run"
    [ -n "$processes" ] && ps -o pid,ppid,etime,stat,args -p "$(echo "$processes" | paste -sd,)" | cut -c1-200
    if command -v gdb >/dev/null; then
        for test in $(echo "$processes" | xargs -r ps -o pid=,args= -p | awk '/PackageTests.xctest/ {print $1}'); do
            echo "--- threads of $test in the project's code (innermost first)"
            timeout 120 gdb -p "$test" -batch -ex "thread apply all bt 60" 2>/dev/null |
                awk '/^Thread / {thread = $0; shown = 0; next}
                     /^#/ && /Tests|RightsRegistry|RegistryServer|RegistryCLI|Exchange/ && shown < 6 {
                         if (!shown) print thread; print "   " substr($0, 1, 240); shown++ }'
        done
    fi
    for process in $processes; do kill -KILL "$process" 2>/dev/null; done
    kill -KILL "$pid" 2>/dev/null
}

expired="$log.expired"
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$limit" &
    sleeper=$!
    wait "$sleeper"
    if kill -0 "$pid" 2>/dev/null; then
        touch "$expired"
        report "$@" >&2
    fi
) &
timer=$!

wait "$pid"
status=$?
kill "$timer" 2>/dev/null
wait "$timer" 2>/dev/null
if [ -e "$expired" ]; then
    rm -f "$expired"
    exit 124
fi
exit "$status"
