#!/usr/bin/env bash
# Adds the release's one blob, the linux-amd64 Go toolchain, with `bosh add-blob`. The zip is the one
# the Go module proxy serves as golang.org/toolchain@v0.0.1-go<version>.linux-amd64, fetched with
# `go mod download` (so the checksum database vouches for it) and checked against the sha256 below.
# Nothing is fetched when release/blobs already holds it.
set -euo pipefail
cd "$(dirname "$0")/.."

go_version=1.26.8
zip_sha256=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
blob_path="golang/go${go_version}.linux-amd64.zip"
module="golang.org/toolchain@v0.0.1-go${go_version}.linux-amd64"
bosh="$PWD/tools/bin/bosh"

sha256_of() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | awk '{ print $1 }'
}

if [ -f "release/blobs/$blob_path" ] && [ "$(sha256_of "release/blobs/$blob_path")" = "$zip_sha256" ]; then
  exit 0
fi

echo "fetching $module through the Go module proxy" >&2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Outside any module, and with the caller's GOFLAGS set aside, so that nothing here touches go.mod.
# With -json, go mod download reports its errors in the JSON on stdout: keep it to show them.
if ! (cd "$scratch" && GOFLAGS= go mod download -json "$module") > "$scratch/download.json"; then
  echo "release-blobs: go mod download $module failed:" >&2
  cat "$scratch/download.json" >&2
  exit 1
fi
zip=$(sed -n 's/^[[:space:]]*"Zip": "\(.*\)",\{0,1\}$/\1/p' "$scratch/download.json")
if [ -z "$zip" ] || [ ! -f "$zip" ]; then
  echo "release-blobs: go mod download did not give the zip of $module:" >&2
  cat "$scratch/download.json" >&2
  exit 1
fi
actual=$(sha256_of "$zip")
if [ "$actual" != "$zip_sha256" ]; then
  echo "release-blobs: $zip has sha256 $actual, expected $zip_sha256" >&2
  exit 1
fi

(cd release && "$bosh" add-blob "$zip" "$blob_path")
