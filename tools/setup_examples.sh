#!/usr/bin/env bash
# Installs the npm dependencies of the examples that have them (examples/*/package-lock.json),
# exactly as locked (npm ci), with the machine's own npm; the examples then run under
# slab-hunter-node. Idempotent: an example installed from its current lock is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }
for lock in examples/*/package-lock.json; do
  [ -e "$lock" ] || continue
  example=$(dirname "$lock")
  # A copy of the lock it was installed from; npm ci empties node_modules, stamp included.
  stamp=$example/node_modules/.installed-from-package-lock.json
  if cmp -s "$lock" "$stamp"; then
    echo "setup_examples: $example: up to date"
    continue
  fi
  echo "setup_examples: $example: npm ci"
  npm ci --prefix "$example" --no-audit --no-fund --ignore-scripts --loglevel=error
  cp "$lock" "$stamp"
done
