#!/usr/bin/env bash
# Benchmarks (README.md, "Performance"): builds the binary and the plain embedder of a Node line,
# installs the seed (npm slab-hunter 1.2.1) into .cache/bench, and runs tests/bench/run.js with
# that line's binary, so untracked, ours (exact and sampled) and the seed run on the same binary;
# it ends with each target met or its gap, and how long it took (~7 min with 3 reps on 2 cores).
# Usage: bash tools/bench.sh [18|24] [reps]   (default: the line tools/build.sh picks, 5 reps)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
line=
case "${1:-}" in
  18|24) line=$1; shift ;;
esac
reps=${1:-5}
case "$reps" in
  ''|*[!0-9]*|0) echo "usage: $0 [18|24] [reps]" >&2; exit 2 ;;
esac

# tools/build.sh sets the line up and prints the binary (for 24 on Debian 12, a launcher into
# the root); the plain embedder is built by the same Bazel.
binary=$(bash tools/build.sh $line | tail -n 1)
if [ "$binary" = "$top/bazel-bin/slab-hunter-node" ]; then
  bazel build //tests/bench:plain-node
  plain="$top/bazel-bin/tests/bench/plain-node"
else
  bash tools/bazel24.sh build //tests/bench:plain-node
  # run.js runs inside the root (the launcher's namespace), where this path is the same.
  plain=$(readlink -f "$top/.cache/n24/bazel-bin/tests/bench/plain-node")
fi

command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }
seed=.cache/bench/node_modules/slab-hunter
if [ ! -f "$seed/package.json" ]; then
  mkdir -p .cache/bench
  npm install --prefix .cache/bench --no-audit --no-fund --silent slab-hunter@1.2.1
fi
exec "$binary" tests/bench/run.js "$plain" "$top/$seed" "$reps"
