#!/usr/bin/env bash
# The main job: set up, build, and hunt the leaks in the bundled example (examples/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build //:slab-hunter-node
exec bazel-bin/slab-hunter-node examples/leaky-cache.js
