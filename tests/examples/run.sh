#!/usr/bin/env bash
# The ws example (examples/ws-server/) as a user runs it: tests/examples/run.sh BINARY
# Installs the example's ws (tools/setup_examples.sh, needs the npm registry once), then runs it
# with a timeline and a growth gate between the leak's rate and the cache's (0): with the leak
# the gate must fail (status 66) naming the leak's line, and the report must call that line
# growing and the cache's steady; with the leak switched off (`parsed`) the gate must pass.
# check_ws_report.js (run by the binary) holds the known answers.
set -uo pipefail
binary=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
example=$top/examples/ws-server/server.js
gate_bytes_per_minute=10000000
flags=(--slab-hunter-leak-cutoff=0 --slab-hunter-timeline=100 --slab-hunter-stack-depth=1
       --slab-hunter-fail-on-growth=$gate_bytes_per_minute)
passed=0
failed=0

bash "$top/tools/setup_examples.sh" || { echo "FAIL: tools/setup_examples.sh"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# check MODE EXPECTED_STATUS: one run of the example in that audit mode, and its checks.
check() {
  local mode=$1 expected=$2 status
  timeout 60 "$binary" "${flags[@]}" "--slab-hunter-report=$work/$mode.json" \
    "$example" "$mode" 2>"$work/$mode.err"
  status=$?
  # The report's checks run either way: they say why a status is wrong.
  if "$binary" "$here/check_ws_report.js" "$mode" "$example" "$work/$mode.json" \
       "$work/$mode.err" "$gate_bytes_per_minute" && [ "$status" -eq "$expected" ]; then
    echo "ok: server.js $mode: status $status, report as the example says"
    passed=$((passed + 1))
  else
    echo "FAIL: server.js $mode gave status $status (expected $expected); stderr:"
    cat "$work/$mode.err"
    failed=$((failed + 1))
  fi
}

check subarray 66
check parsed 0
echo "ws-example: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
