#!/usr/bin/env bash
# Bazel for the Node 24 line:   bash tools/bazel24.sh COMMAND [ARGS...]   (build, test, shutdown)
# Runs `bazel COMMAND --config=node24 ARGS` where libnode 24 is: natively, or inside the root
# tools/setup_node24.sh makes. Its output base and convenience links are its own (.cache/n24),
# so the 18 line's bazel-bin and server are left alone.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ $# -lt 1 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
command=$1
shift
root=$(bash tools/setup_node24.sh | tail -n 1)
startup=(--output_user_root="$top/.cache/n24/bazel")
case "$command" in
  build|test|run|cquery|aquery|coverage)
    set -- --config=node24 --symlink_prefix=.cache/n24/bazel- "$@" ;;
esac
if [ "$root" = / ]; then
  exec bazel "${startup[@]}" "$command" "$@"
fi
exec bash tools/in_root.sh "$root" bazel "${startup[@]}" "$command" "$@"
