#!/usr/bin/env bash
# Builds slab-hunter-node for a Node line and prints, as its last line, the path of an
# executable used exactly as `node`:   bash tools/build.sh [18|24]
# The default line is the host's own: 24 where the system has libnode 24, 18 otherwise.
# For 24 on a host without it (Debian 12), Bazel runs inside the root tools/setup_node24.sh
# makes, and the path printed is a launcher that runs the binary there (tools/in_root.sh).
# Everything but the last line goes to stderr.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ $# -gt 1 ]; then
  echo "usage: $0 [18|24]" >&2
  exit 2
fi
if [ $# -eq 1 ]; then
  line=$1
elif grep -qs '^#define NODE_MAJOR_VERSION 24$' /usr/include/node/node_version.h; then
  line=24
else
  line=18
fi

case "$line" in
  18)
    bash tools/setup.sh >&2
    bazel build //:slab-hunter-node >&2
    echo "$top/bazel-bin/slab-hunter-node"
    ;;
  24)
    root=$(bash tools/setup_node24.sh | tail -n 1)
    bash tools/bazel24.sh build //:slab-hunter-node >&2
    binary=$(readlink -f "$top/.cache/n24/bazel-bin/slab-hunter-node")
    if [ "$root" = / ]; then
      echo "$binary"
      exit 0
    fi
    launcher="$top/.cache/n24/bin/slab-hunter-node"
    mkdir -p "$(dirname "$launcher")"
    cat >"$launcher.new" <<LAUNCHER
#!/bin/sh
# slab-hunter-node for Node 24, run inside the Debian root that has its libnode (tools/in_root.sh).
exec bash '$top/tools/in_root.sh' '$root' '$binary' "\$@"
LAUNCHER
    chmod +x "$launcher.new"
    mv "$launcher.new" "$launcher"
    echo "$launcher"
    ;;
  *)
    echo "$0: unknown Node line '$line' (18 or 24)" >&2
    exit 2
    ;;
esac
