#!/usr/bin/env bash
# Benchmarks (README.md, "Performance"): builds the binary and the plain embedder, installs
# the seed (npm slab-hunter 1.2.1) into .cache/bench, and runs tests/bench/run.js.
# Usage: bash tools/bench.sh [reps]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }
bazel build //:slab-hunter-node //tests/bench:plain-node
seed=.cache/bench/node_modules/slab-hunter
if [ ! -f "$seed/package.json" ]; then
  mkdir -p .cache/bench
  npm install --prefix .cache/bench --no-audit --no-fund --silent slab-hunter@1.2.1
fi
exec bazel-bin/slab-hunter-node tests/bench/run.js "$(pwd)/bazel-bin/tests/bench/plain-node" \
  "$(pwd)/$seed" "${1:-5}"
