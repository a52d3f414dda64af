#!/usr/bin/env bash
# Idempotent: fetches the Node tests of a line's libnode (test/common, test/fixtures and the
# test/parallel/test-buffer-*.js files) from the Debian source package's orig tarball into
# .cache/node-src, and prints the source dir:   tools/fetch_node_source.sh [18|24]
#   18: Node 18.20.4, from bookworm-security (.cache/node-src/node-v18.20.4).
#   24: the version of libnode-dev that the 24 line builds against (natively or in its root,
#       tools/setup_node24.sh), from Debian testing (forky), whose source matches its library.
#
# apt-get runs with a private sources list, lists and cache under .cache/node-src/apt-<line>:
# the system's apt configuration and state are never touched. `apt-get source` exits non-zero
# on the security mirror (the .dsc and the Debian tarball give 404) although the orig tarball
# is downloaded, so the script checks the tarball itself (its SHA-256 from the Sources index)
# rather than apt-get's exit status.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache="$top/.cache/node-src"
line=${1:-18}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
case "$line" in
  18)
    upstream=18.20.4+dfsg
    archive="http://deb.debian.org/debian-security bookworm-security"
    ;;
  24)
    root=$(bash "$top/tools/setup_node24.sh" | tail -n 1)
    package_version=$(dpkg-query --admindir="${root%/}/var/lib/dpkg" -W -f='${Version}' libnode-dev)
    upstream=${package_version%-*}
    archive="http://deb.debian.org/debian forky"
    ;;
  *)
    echo "fetch_node_source: unknown Node line '$line' (18 or 24)" >&2
    exit 2
    ;;
esac
version=${upstream%%+*}
tarball="nodejs_${upstream}.orig.tar.xz"
src="$cache/node-v$version"
stamp="$src/.complete"

if [ -f "$stamp" ]; then
  echo "$src"
  exit 0
fi

apt_dir="$cache/apt-$line"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
echo "deb-src [signed-by=$keyring] $archive main" >"$apt_dir/sources.list"
# Check-Valid-Until: the mirror may serve a testing snapshot whose Release file has expired.
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
          -o Acquire::Check-Valid-Until=false)

# The SHA-256 of the orig tarball, and the source package version that ships it, from the
# Sources index; empty until the index has been fetched.
expected_sha() {
  apt-cache "${apt_opts[@]}" showsrc nodejs 2>/dev/null |
    awk -v f="$tarball" '/^Checksums-Sha256:/ { s = 1; next } /^[^ ]/ { s = 0 }
                         s && $3 == f { print $1; exit }' || true
}
source_version() {
  apt-cache "${apt_opts[@]}" showsrc nodejs 2>/dev/null |
    awk -v f="$tarball" '/^Version:/ { v = $2 } $3 == f { print v; exit }' || true
}
tarball_ok() {
  local sha=$1
  [ -f "$apt_dir/$tarball" ] && [ -n "$sha" ] &&
    [ "$(sha256sum "$apt_dir/$tarball" | cut -d' ' -f1)" = "$sha" ]
}

sha=$(expected_sha)
if ! tarball_ok "$sha"; then
  echo "fetch_node_source: downloading $tarball" >&2
  log="$apt_dir/apt.log"
  apt-get "${apt_opts[@]}" -qq update >"$log" 2>&1 || true
  sha=$(expected_sha)
  pkg_version=$(source_version)
  if [ -z "$sha" ] || [ -z "$pkg_version" ]; then
    cat "$log" >&2
    echo "fetch_node_source: $tarball is not in the Sources index of $archive" >&2
    exit 1
  fi
  rm -f "$apt_dir/$tarball"
  # Exits non-zero (404 on the .dsc); the tarball is checked below.
  (cd "$apt_dir" && apt-get "${apt_opts[@]}" -qq source --download-only "nodejs=$pkg_version") \
    >>"$log" 2>&1 || true
  if ! tarball_ok "$sha"; then
    cat "$log" >&2
    echo "fetch_node_source: $tarball was not downloaded (or its SHA-256 is not $sha)" >&2
    exit 1
  fi
fi

echo "fetch_node_source: extracting the tests into $src" >&2
rm -rf "$src"
tar -xJf "$apt_dir/$tarball" -C "$cache" --wildcards \
  "node-v$version/test/common" \
  "node-v$version/test/fixtures" \
  "node-v$version/test/parallel/test-buffer-*.js"
touch "$stamp"
echo "$src"
