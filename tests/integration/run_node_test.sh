#!/bin/sh
# Runs one node:test file under the binary under test: run_node_test.sh BINARY TEST_FILE [FLAGS...]
# FLAGS (the GC-stress variants) go to every run of the binary the test makes: helpers.js reads
# them from SLAB_HUNTER_TEST_NODE_FLAGS.
binary=$1
test_file=$2
shift 2
SLAB_HUNTER_TEST_NODE_FLAGS="$*"
export SLAB_HUNTER_TEST_NODE_FLAGS

# Under --config=asan: no LeakSanitizer for the binary. Node ends a program by exit() without
# tearing the isolate down (process.exit, an uncaught exception, the --slab-hunter exit path),
# and V8 keeps pointers to its malloc'd blocks in its own mmap'd heap pages, which LeakSanitizer
# does not scan: every such run reports libnode's blocks as leaks. Suppressing them by module
# (leak:libnode.so) would hide ours as well, since our hooks are always called from libnode.
# Leaks in the tracker's own code are checked by the C++ units, which keep LeakSanitizer on.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
exec "$binary" "$test_file"
