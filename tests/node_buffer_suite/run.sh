#!/usr/bin/env bash
# Transparency check: tests/node_buffer_suite/run.sh BINARY
# Runs the own test/parallel/test-buffer-*.js of BINARY's Node (18.20.4, or the 24 line's
# libnode version: tools/fetch_node_source.sh) with BINARY, untracked and tracked
# (--slab-hunter, and node:slab_hunter set up by the -r preload track_preload.js), each test as
# Node's tools/test.py runs it: from the source root, the flags of its `// Flags:` line, then
# the test file's absolute path. Every test that passes untracked must pass tracked; a test that
# fails untracked is reported with its reason but does not fail the run.
# Last line: `node-buffer-suite: N passed, M failed` (N: passed in both modes; M: passed
# untracked, failed tracked); exits 1 iff M > 0.
set -uo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
preload="$here/track_preload.js"
timeout_s=${NODE_BUFFER_SUITE_TIMEOUT:-60}

if [ ! -x "$binary" ]; then
  echo "node-buffer-suite: $binary is not an executable" >&2
  exit 2
fi
line=$("$binary" -p 'process.versions.node.split(".")[0]') || {
  echo "node-buffer-suite: $binary does not run" >&2
  exit 2
}
src=$(bash "$top/tools/fetch_node_source.sh" "$line") || {
  echo "node-buffer-suite: could not fetch Node's source" >&2
  exit 2
}
cd "$src" || exit 2
shopt -s nullglob
tests=("$src"/test/parallel/test-buffer-*.js)
if [ ${#tests[@]} -eq 0 ]; then
  echo "node-buffer-suite: no test-buffer-*.js under $src/test/parallel" >&2
  exit 2
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
version=$("$binary" -v)

# As tools/test.py: NODE_PATH and NODE_REPL_EXTERNAL_MODULE removed, the test's serial id set
# (its tmpdir is test/.tmp.<id>). NODE_OPTIONS and SLAB_HUNTER_OPTIONS are removed too, so that
# the two modes differ only by what the tracked run is given below.
unset NODE_PATH NODE_REPL_EXTERNAL_MODULE NODE_OPTIONS SLAB_HUNTER_OPTIONS
export TEST_THREAD_ID=0 TEST_PARALLEL=0

# run_one ID LOG FILE [EXTRA NODE ARGS...]: runs FILE with its `// Flags:`; the exit status of
# the test (124 on a timeout).
run_one() {
  local id=$1 log=$2 file=$3
  shift 3
  local flags
  # tools/testpy: the first `//\s+Flags:(.*)` match, split on whitespace.
  flags=$(grep -m1 -E '//[[:space:]]+Flags:' "$file" | sed -E 's|.*//[[:space:]]+Flags:||')
  # In a subshell whose stderr is dropped: bash's own "Segmentation fault" notice stays out of
  # the output (the log has the test's).
  # shellcheck disable=SC2086 # the flags are split on whitespace, as test.py does
  (TEST_SERIAL_ID=$id timeout -k 5 "$timeout_s" "$binary" $flags "$@" "$file" \
     </dev/null >"$log" 2>&1; exit $?) 2>/dev/null
}

# reason STATUS LOG: why a run failed, in one line.
reason() {
  local status=$1 log=$2 line
  if [ "$status" -eq 124 ]; then
    echo "timed out after ${timeout_s} s"
    return
  fi
  line=$(grep -m1 -E '^[[:space:]]*(\w*Error|AssertionError|Mismatched|Error:|FATAL|#)' "$log" |
         sed -E 's/^[[:space:]]+//')
  [ -n "$line" ] || line=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
  if [ "$status" -gt 128 ]; then
    echo "killed by signal $((status - 128))${line:+: $line}" | cut -c1-300
  else
    echo "exit $status${line:+: $line}" | cut -c1-300
  fi
}

# Not a vacuous pass: with the preload, Buffer.alloc must already be the tracker's wrapper (the
# wrappers show Node's own source text, so ask the builtin: setting up again replaces nothing).
wrapped_source='const alloc = Buffer.alloc; require("node:slab_hunter")(0);
process.stdout.write(String(Buffer.alloc === alloc))'
if [ "$("$binary" -e "$wrapped_source")" != false ] ||
   [ "$("$binary" -r "$preload" -e "$wrapped_source")" != true ]; then
  echo "node-buffer-suite: $preload did not turn tracking on (Buffer.alloc is not wrapped)" >&2
  exit 2
fi

# A rebuild of the binary during the run (bazel replaces it in place) can fail tests in either
# mode: told below, before the summary.
binary_stamp() { stat -L -c '%Y.%s.%i' "$binary" 2>/dev/null; }
stamp_at_start=$(binary_stamp)

passed=0
failed=0
untracked_failures=0
both_failures=0
skipped=0
start=$(date +%s)
id=0
for file in "${tests[@]}"; do
  name=$(basename "$file")
  id=$((id + 1))
  # The two modes of a test run side by side (one per core), each with its own serial id.
  run_one "$((2 * id))" "$logs/untracked.log" "$file" &
  untracked_pid=$!
  # Tracked both ways at once: the flags (tracking from the start, the end-of-run listeners and
  # GC) and the preload, which sets the builtin up as a program would.
  run_one "$((2 * id + 1))" "$logs/tracked.log" "$file" \
    --slab-hunter --slab-hunter-leak-cutoff=0 -r "$preload" &
  tracked_pid=$!
  wait "$untracked_pid"
  untracked=$?
  wait "$tracked_pid"
  tracked=$?
  skip=$(grep -m1 -o '# Skipped: .*' "$logs/untracked.log")
  if [ "$untracked" -eq 0 ] && [ "$tracked" -eq 0 ]; then
    passed=$((passed + 1))
    if [ -n "$skip" ]; then
      skipped=$((skipped + 1))
      echo "ok $name (${skip#\# })"
    else
      echo "ok $name"
    fi
  elif [ "$untracked" -eq 0 ]; then
    failed=$((failed + 1))
    echo "FAIL tracked $name: $(reason "$tracked" "$logs/tracked.log")"
    cp "$logs/tracked.log" "$logs/tracked-failure-$(printf %03d "$id").log"
  elif [ "$tracked" -eq 0 ]; then
    untracked_failures=$((untracked_failures + 1))
    echo "FAIL untracked $name (passes tracked): $(reason "$untracked" "$logs/untracked.log")"
  else
    both_failures=$((both_failures + 1))
    echo "FAIL untracked $name (fails tracked too): $(reason "$untracked" "$logs/untracked.log")"
  fi
done
elapsed=$(($(date +%s) - start))
for log in "$logs"/tracked-failure-*.log; do
  echo "--- tracked output of ${tests[$((10#$(basename "$log" .log | cut -d- -f3) - 1))]##*/}:"
  head -n 40 "$log" | sed 's/^/    | /'
done
if [ "$(binary_stamp)" != "$stamp_at_start" ]; then
  echo "node-buffer-suite: WARNING: $binary changed during the run (rebuilt?): the results" \
       "may mix two builds; run again"
fi

echo "node-buffer-suite: ${#tests[@]} tests of Node $version in ${elapsed} s" \
     "($skipped skipped in both modes, counted as passed);" \
     "failing untracked, not counted: $untracked_failures passing tracked," \
     "$both_failures failing tracked too"
echo "node-buffer-suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
