#!/usr/bin/env bash
# Sets up, builds, and runs every test on each Node line named:   bash tools/test.sh [18|24]...
# With none named, both lines, 18 then 24 (what CI runs). Per line: the GoogleTest units and the
# integration tests (Bazel, the GC-stress variants included; for 24 where libnode 24 is, see
# tools/bazel24.sh), the path build.sh prints used as `node` (tests/launcher), the CI gate and
# the ws example (examples/ws-server, its ws from npm) as a user runs them, the HTML report in
# Chromium (tests/html), and the line's own Node Buffer tests (test-buffer-*.js of its version)
# untracked and tracked. On 18 then the units, the integration tests and Node's Buffer tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer, and the core's thread tests under
# ThreadSanitizer. Each step prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
  local start=$SECONDS
  "$@"
  echo "test.sh: $* ($((SECONDS - start)) s)"
}

line18() {
  local binary
  step bash tools/setup.sh
  binary=$(bash tools/build.sh 18 | tail -n 1)
  step bazel test //tests/...
  step bash tests/launcher/run.sh "$binary"
  step bash tests/gate/run.sh "$binary"
  step bash tests/examples/run.sh "$binary"
  step bash tests/html/run.sh "$binary"
  step bash tests/node_buffer_suite/run.sh "$binary"
  # Each sanitizer builds into its own output tree (.bazelrc): bazel-bin stays the plain build.
  local sanitized=(//tests/core/... //tests/embedder/... //tests/integration/...)
  step bazel test --config=asan "${sanitized[@]}"
  step bazel test --config=ubsan "${sanitized[@]}"
  # Node's Buffer suite drives every Buffer API through the hooks, on the binaries the two runs
  # above built, with .bazelrc's runtime options (a finding aborts) and, as in
  # run_node_test.sh, no LeakSanitizer.
  step env ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 \
    bash tests/node_buffer_suite/run.sh "$(pwd)/bazel-asan-bin/slab-hunter-node"
  step env UBSAN_OPTIONS=print_stacktrace=1:abort_on_error=1 \
    bash tests/node_buffer_suite/run.sh "$(pwd)/bazel-ubsan-bin/slab-hunter-node"
  step bazel test --config=tsan //tests/core:tracker_threads_test
}

line24() {
  local binary start=$SECONDS
  binary=$(bash tools/build.sh 24 | tail -n 1)
  echo "test.sh: tools/build.sh 24 ($((SECONDS - start)) s)"
  step bash tools/bazel24.sh test //tests/...
  step bash tests/launcher/run.sh "$binary"
  step bash tests/gate/run.sh "$binary"
  step bash tests/examples/run.sh "$binary"
  step bash tests/html/run.sh "$binary"
  step bash tests/node_buffer_suite/run.sh "$binary"
}

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(18 24)
for line in "${lines[@]}"; do
  echo "=== Node $line line"
  case "$line" in
    18) line18 ;;
    24) line24 ;;
    *) echo "$0: unknown Node line '$line' (18 or 24)" >&2; exit 2 ;;
  esac
done
