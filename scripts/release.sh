#!/usr/bin/env bash
# make release: builds the BOSH release tarball out/bosh-cloudstack-cpi[-VERSION].tgz with the real
# `bosh create-release`. Needs Go and the Go module proxy, nothing else. RELEASE_VERSION sets the
# release's version (a dev version otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/release-bosh-cli.sh
scripts/release-blobs.sh
scripts/release-stage.sh

mkdir -p out
tarball="$PWD/out/bosh-cloudstack-cpi${RELEASE_VERSION:+-$RELEASE_VERSION}.tgz"
args=(create-release --force --tarball "$tarball")
if [ -n "${RELEASE_VERSION:-}" ]; then
  args+=(--version "$RELEASE_VERSION")
fi
# --force: the staged sources are the check; tracked changes are in them, and the release records them
# as uncommitted_changes.
(cd release && ../tools/bin/bosh --non-interactive "${args[@]}")
# The staged copy is a Go module of its own with a vendor/ directory: gone once in the tarball, so that
# tools run over the repository (gofmt -l ., editors) do not wander into it. KEEP_STAGE=1 keeps it.
if [ -z "${KEEP_STAGE:-}" ]; then
  rm -rf release/src
fi

sha1=$( (command -v sha1sum >/dev/null && sha1sum "$tarball") || shasum -a 1 "$tarball")
echo
echo "cpi_release_url=file://$tarball"
echo "cpi_release_sha1=${sha1%% *}"
