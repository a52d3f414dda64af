#!/usr/bin/env bash
# The CI gate as a user runs it: tests/gate/run.sh BINARY
# The leaky fixture must fail with the budget status and name its leaking line; the clean one
# must pass.
set -uo pipefail
binary=$1
fixtures=$(cd "$(dirname "$0")/../integration/fixtures/gate" && pwd)
gate=(--slab-hunter-leak-cutoff=0 --slab-hunter-fail-on-big=50000 --slab-hunter-fail-on-slab=10kB)
passed=0
failed=0

log=$(mktemp)
"$binary" "${gate[@]}" "$fixtures/leaky.js" 2>"$log"
status=$?
line=$(grep -n 'site:gate-big' "$fixtures/leaky.js" | cut -d: -f1)
if [ "$status" -eq 66 ] && grep -q "$fixtures/leaky.js:$line:" "$log"; then
  echo "ok: the gate fails leaky.js (status 66) and names leaky.js:$line"
  passed=$((passed + 1))
else
  echo "FAIL: leaky.js gave status $status; stderr:"; cat "$log"
  failed=$((failed + 1))
fi

if "$binary" "${gate[@]}" "$fixtures/clean.js" 2>"$log"; then
  echo "ok: the gate passes clean.js"
  passed=$((passed + 1))
else
  echo "FAIL: clean.js failed the gate; stderr:"; cat "$log"
  failed=$((failed + 1))
fi
rm -f "$log"
echo "ci-gate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
