#!/usr/bin/env bash
# Idempotent set-up on Debian 12 as root: build tools, system libraries, Node 18.20.4's shared
# library and headers (unpacked into third_party/libnode/root, never installed into /), and the
# externalized builtins libnode loads from /usr/share/nodejs at start-up.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
stamp="$top/third_party/libnode/root/.complete"

# libasan8, libubsan1, libtsan2: the sanitizer runtimes of the asan/ubsan/tsan configs (g++ 12
# brings them; named so that a leaner compiler install cannot drop them unseen).
packages=(bazel-bootstrap bazel-rules-java g++ pkg-config libabsl-dev libgtest-dev libuv1-dev
          nlohmann-json3-dev
          libasan8 libubsan1 libtsan2 xz-utils python3 ca-certificates
          libuv1 libicu72 libc-ares2 libnghttp2-14 libbrotli1 libssl3 zlib1g)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# libnode108 cannot be installed with dpkg here (its dependencies want Debian's nodejs, which
# conflicts with the machine's own node), so its files are unpacked into the project instead.
# The externalized builtins are loaded by absolute path, so they go to /usr/share/nodejs.
builtins=(/usr/share/nodejs/cjs-module-lexer/lexer.js /usr/share/nodejs/cjs-module-lexer/dist/lexer.js
          /usr/share/nodejs/undici/undici-fetch.js /usr/share/nodejs/acorn/dist/acorn.js
          /usr/share/nodejs/acorn-walk/dist/walk.js)
have_builtins=1
for f in "${builtins[@]}"; do [ -f "$f" ] || have_builtins=0; done
if [ ! -f "$stamp" ] || [ $have_builtins = 0 ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # The revision this was built and tested with; a later Debian revision of 18.20.4 (a security
  # update replaces it in the archive) is taken as well, any other Node version is refused.
  fetch() {
    (cd "$work" && apt-get download "$@" node-cjs-module-lexer node-undici node-acorn >/dev/null 2>&1)
  }
  fetch libnode108=18.20.4+dfsg-1~deb12u3 libnode-dev=18.20.4+dfsg-1~deb12u3 ||
    { apt-get update -qq && fetch libnode108=18.20.4+dfsg-1~deb12u3 libnode-dev=18.20.4+dfsg-1~deb12u3; } ||
    fetch libnode108 libnode-dev || {
      echo "setup: cannot download libnode108 and libnode-dev from Debian's archive" >&2; exit 1; }
  for deb in "$work"/libnode108_*.deb "$work"/libnode-dev_*.deb; do
    version=$(dpkg-deb -f "$deb" Version)
    case "$version" in
      18.20.4+*) ;;
      *) echo "setup: $(basename "$deb") is Node $version; slab-hunter-node needs 18.20.4" >&2; exit 1 ;;
    esac
  done
  rm -rf "$top/third_party/libnode/root"
  mkdir -p "$top/third_party/libnode/root" "$work/js"
  dpkg -x "$work"/libnode108_*.deb "$top/third_party/libnode/root"
  dpkg -x "$work"/libnode-dev_*.deb "$top/third_party/libnode/root"
  for deb in "$work"/node-cjs-module-lexer_*.deb "$work"/node-undici_*.deb "$work"/node-acorn_*.deb; do
    dpkg -x "$deb" "$work/js"
  done
  mkdir -p /usr/share/nodejs
  for pkg in cjs-module-lexer undici acorn acorn-walk; do
    rm -rf "/usr/share/nodejs/$pkg"
    cp -a "$work/js/usr/share/nodejs/$pkg" /usr/share/nodejs/
  done
  touch "$stamp"
  echo "setup: libnode 18.20.4 unpacked into third_party/libnode/root"
fi
