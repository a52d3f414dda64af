#!/usr/bin/env bash
# Sets up, builds, and runs every test: the GoogleTest units and the integration tests (Bazel,
# the GC-stress variants included), the CI gate as a user runs it, Node 18.20.4's own Buffer
# tests untracked and tracked, then the units, the integration tests and Node's Buffer tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer, and the core's thread tests under
# ThreadSanitizer. Each step prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
  local start=$SECONDS
  "$@"
  echo "test.sh: $* ($((SECONDS - start)) s)"
}

step bash tools/setup.sh
step bazel build //:slab-hunter-node
step bazel test //tests/...
step bash tests/gate/run.sh "$(pwd)/bazel-bin/slab-hunter-node"
step bash tests/node_buffer_suite/run.sh "$(pwd)/bazel-bin/slab-hunter-node"
# Each sanitizer builds into its own output tree (.bazelrc): bazel-bin stays the plain build.
sanitized=(//tests/core/... //tests/embedder/... //tests/integration/...)
step bazel test --config=asan "${sanitized[@]}"
step bazel test --config=ubsan "${sanitized[@]}"
# Node's Buffer suite drives every Buffer API through the hooks, on the binaries the two runs
# above built, with .bazelrc's runtime options (a finding aborts) and, as in run_node_test.sh,
# no LeakSanitizer.
step env ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 \
  bash tests/node_buffer_suite/run.sh "$(pwd)/bazel-asan-bin/slab-hunter-node"
step env UBSAN_OPTIONS=print_stacktrace=1:abort_on_error=1 \
  bash tests/node_buffer_suite/run.sh "$(pwd)/bazel-ubsan-bin/slab-hunter-node"
step bazel test --config=tsan //tests/core:tracker_threads_test
