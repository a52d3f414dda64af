#!/usr/bin/env bash
# Idempotent set-up for the Node 24 line; prints, as its last line, the root that build and run
# commands enter (tools/in_root.sh), or `/` when the host's own system has libnode 24.
#
# A host whose system has Node 24's libnode-dev (Debian testing or unstable) builds natively.
# Any other host (Debian 12: libnode137 needs a newer C library than 2.36) gets a Debian root in
# .cache/n24/root, made with mmdebstrap: testing's libnode 24 and the build tools, trixie's
# Bazel 4.2.3 (the Bazel of the 18 line; testing's Bazel 7 needs other rules), and the host's
# Bazel rules_java (Debian 12's, the one that fits Bazel 4) copied in. apt runs inside the root
# only: the host's apt configuration and state are never touched.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
suite=forky
mirror=http://deb.debian.org/debian

native_node24() {
  grep -qs '^#define NODE_MAJOR_VERSION 24$' /usr/include/node/node_version.h &&
    [ -e /usr/lib/x86_64-linux-gnu/libnode.so.137 ]
}

if native_node24; then
  for tool in bazel g++ pkg-config; do
    command -v "$tool" >/dev/null || {
      echo "setup: libnode 24 is installed natively but $tool is missing" >&2; exit 1; }
  done
  [ -e /usr/include/nlohmann/json.hpp ] || {
    echo "setup: libnode 24 is installed natively but nlohmann-json3-dev is missing" >&2; exit 1; }
  echo /
  exit 0
fi

root="$top/.cache/n24/root"
stamp="$root/.slab-hunter-complete"
# mount: tools/in_root.sh unmounts with the root's own once the host's /usr is hidden.
packages=libnode-dev,g++,make,pkg-config,libabsl-dev,libgtest-dev,libgmock-dev,libuv1-dev,nlohmann-json3-dev,mount
bazel_packages=bazel-bootstrap/trixie,bazel-bootstrap-data/trixie
# The stamp names what the root was made with: a root made from another list is made again.
want="$suite $packages $bazel_packages"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  needed=()
  for p in mmdebstrap bazel-rules-java ca-certificates; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || needed+=("$p")
  done
  if [ ${#needed[@]} -gt 0 ]; then
    echo "setup: installing ${needed[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
  fi
  echo "setup: making the Node 24 root in $root (Debian $suite, ~1.1 GB of packages)" >&2
  # A Bazel server started in the old root would go on using its files, gone once it is
  # remade ("/usr/share/bazel/embedded_tools ... does not exist"): stop it first.
  for pid_file in "$top"/.cache/n24/bazel/*/server/server.pid.txt; do
    [ -f "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
  rm -rf "$root"
  mkdir -p "$(dirname "$root")"
  # Check-Valid-Until: the mirror may serve a snapshot whose Release file has expired; the
  # option stays in the root so that apt there keeps working.
  mmdebstrap --variant=apt --quiet --aptopt='Acquire::Check-Valid-Until "false"' \
    --include="$packages" --include="$bazel_packages" \
    --customize-hook='mkdir -p "$1/usr/share/bazel/rules"' \
    --customize-hook='copy-in /usr/share/bazel/rules/java /usr/share/bazel/rules/' \
    "$suite" "$root" "deb $mirror $suite main" "deb $mirror trixie main" >&2
  version=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' libnode-dev)
  case "$version" in
    24.*) ;;
    *) echo "setup: Debian $suite's libnode-dev is $version, not Node 24" >&2; exit 1 ;;
  esac
  echo "$want" >"$stamp"
  echo "setup: Node 24 root ready (libnode $version)" >&2
fi
echo "$root"
