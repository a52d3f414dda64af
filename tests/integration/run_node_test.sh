#!/bin/sh
# Runs one node:test file under the binary under test: run_node_test.sh BINARY TEST_FILE
exec "$1" "$2"
