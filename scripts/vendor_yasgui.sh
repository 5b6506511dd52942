#!/usr/bin/env bash
# Re-vendor YASGUI for the workbench (src/filmgraph/static/yasgui/) from npm, pinned and checked.
# The workbench never loads it from a CDN: `filmgraph serve` serves these files itself.
set -euo pipefail
VERSION=4.2.28
SHA256=d8935d15c4d6352451d78725b2dd4cf4acb9fcd26162fa27f1e81347e2574241  # of triply-yasgui-$VERSION.tgz
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@triply/yasgui@$VERSION" >/dev/null)
echo "$SHA256  $tmp/triply-yasgui-$VERSION.tgz" | sha256sum -c -
tar xzf "$tmp/triply-yasgui-$VERSION.tgz" -C "$tmp"
dest=src/filmgraph/static/yasgui
mkdir -p "$dest"
cp "$tmp/package/build/yasgui.min.js" "$tmp/package/build/yasgui.min.css" "$tmp/package/build/yasgui.min.js.LICENSE.txt" "$dest/"
cp "$tmp/package/LICENSE.txt" "$dest/LICENSE.txt"
echo "vendored @triply/yasgui $VERSION into $dest"
