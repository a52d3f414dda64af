#!/usr/bin/env bash
# Re-fetches the vendored Chart.js (third_party/chartjs/) from the npm registry and checks the
# package against the integrity pinned here, so that an update is one reviewed edit of this file.
# Builds never run it: they are offline and use the committed copy.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
version=4.6.1
integrity='sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g=='

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "chart.js@$version" >/dev/null)
tarball="$work/chart.js-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "vendor_chartjs: chart.js@$version has integrity $actual, expected $integrity" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/dist/chart.umd.min.js package/LICENSE.md
install -m 644 "$work/package/dist/chart.umd.min.js" "$top/third_party/chartjs/chart.umd.min.js"
install -m 644 "$work/package/LICENSE.md" "$top/third_party/chartjs/LICENSE.md"
echo "vendor_chartjs: chart.js@$version ($integrity) in third_party/chartjs/"
