#!/usr/bin/env bash
# Every test tier (jest) and, beside it, the short run of the fault harness (`pnpm chaos`), which
# starts its own broker and PostgreSQL on other ports and mostly waits on them: side by side, the two
# take little more than the longer one. Exits non-zero when either fails; the harness's table is
# printed after jest's closing line.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The harness runs from its build, and jest does not check types: a failed build stops here.
pnpm -s build || exit $?
chaos_log="$(mktemp)"
# Ports of its own, apart from a `pnpm chaos` a developer may be running.
node test/chaos/dist/main.js --pg-port 15442 --kafka-port 19102 >"$chaos_log" 2>&1 &
chaos_pid=$!
trap 'kill "$chaos_pid" 2>/dev/null' INT TERM
node_modules/.bin/jest "$@"
jest_rc=$?
wait "$chaos_pid"
chaos_rc=$?
echo "fault harness (short run; the long one is pnpm chaos --long, docs/reliability.md):"
cat "$chaos_log"
rm -f "$chaos_log"
((jest_rc == 0)) || exit "$jest_rc"
exit "$chaos_rc"
