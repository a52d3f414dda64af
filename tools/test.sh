#!/usr/bin/env bash
# Sets up, builds, and runs every test: the GoogleTest units and the integration tests (Bazel),
# the CI gate as a user runs it, and Node 18.20.4's own Buffer tests untracked and tracked.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build //:slab-hunter-node
bazel test //tests/...
bash tests/gate/run.sh "$(pwd)/bazel-bin/slab-hunter-node"
bash tests/node_buffer_suite/run.sh "$(pwd)/bazel-bin/slab-hunter-node"
