#!/usr/bin/env bash
# The HTML report in a real browser: tests/html/run.sh BINARY [OUTPUT_DIR]
# Runs tests/html/fixture.js under BINARY with --slab-hunter-report=<name>.html and has Debian's
# Chromium (driven by playwright-core, pinned in package-lock.json) load it from
# file:// and check it (check_page.mjs). Screenshots go to OUTPUT_DIR (default
# .cache/test-output/html). Installs Chromium with apt-get when missing (as root).
set -euo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
output=$(realpath -m "${2:-$top/.cache/test-output/html}")

if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" -eq 0 ] || { echo "html: /usr/bin/chromium is missing; install it as root: apt-get install -y chromium" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# playwright-core 1.65 needs Node 20 or later: the machine's own node runs the check, not BINARY.
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "html: node $(node --version) is too old for playwright-core (needs 20+)" >&2; exit 1; }

deps="$top/.cache/html-test"
mkdir -p "$deps"
if ! cmp -s "$here/package-lock.json" "$deps/package-lock.json" || [ ! -d "$deps/node_modules/playwright-core" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$deps/"
  (cd "$deps" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
cp "$here/check_page.mjs" "$deps/"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A directory whose name would end a script or open a comment if the page embedded it raw: every
# stack in the report names it.
app="$work/<!-- <script>"
mkdir "$app"
cp "$here/fixture.js" "$app/"
line_of() { grep -n "site:$1\$" "$app/fixture.js" | cut -d: -f1; }
# Five seconds at a 100 ms tick: a loaded machine still gets 15-20 of the 50 points (a tick adds
# none when collecting would take over 5% of the time); a steady rise reads as growing from
# about 12 (the trend test looks at the latest half).
report() {
  local name=$1
  shift
  "$binary" --slab-hunter-leak-cutoff=0 --slab-hunter-report="$work/$name.html" "$@"
}
report fixture --slab-hunter-timeline=100 "$app/fixture.js"
report no-timeline --slab-hunter-timeline=0 "$app/fixture.js"
report clean -e 'Buffer.alloc(64 * 1024)'
report freed --slab-hunter-timeline=100 "$app/fixture.js" free
report sampled --slab-hunter-timeline=100 --slab-hunter-sample-bytes=16KiB --slab-hunter-sample-seed=2 \
  "$app/fixture.js"
# Two processes at once, each its own JSON report, merged into one page.
for i in 1 2; do
  "$binary" --slab-hunter-leak-cutoff=0 --slab-hunter-timeline=100 \
    --slab-hunter-report="$work/process-%p.json" "$app/fixture.js" &
done
wait
"$binary" --slab-hunter-merge --slab-hunter-report="$work/merged.html" "$work"/process-*.json

mkdir -p "$output"
node "$deps/check_page.mjs" "$output" "$work/fixture.html" "$work/no-timeline.html" "$work/clean.html" \
  "$(line_of packet)" "$(line_of header)" "$(line_of cache)" "$work/freed.html" "$work/merged.html" \
  "$work/sampled.html"
