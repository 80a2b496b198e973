#!/usr/bin/env bash
# Builds the bosh CLI that `make release` uses into tools/bin/bosh, at the version tools/go.mod pins
# (the module proxy refuses `go install ...@latest` here, and a pinned version keeps releases the same).
# Rebuilds only when tools/go.mod or tools/go.sum is newer than the binary.
set -euo pipefail
cd "$(dirname "$0")/../tools"

binary=bin/bosh
if [ -x "$binary" ] && [ "$binary" -nt go.mod ] && [ "$binary" -nt go.sum ]; then
  exit 0
fi

version=$(GOFLAGS= go list -m -f '{{.Version}}' github.com/cloudfoundry/bosh-cli/v7)
if [ -z "$version" ]; then
  echo "release-bosh-cli: tools/go.mod does not require github.com/cloudfoundry/bosh-cli/v7" >&2
  exit 1
fi
echo "building the bosh CLI ${version} into tools/${binary} (once; about a minute)" >&2
GOFLAGS=-mod=readonly go build -trimpath \
  -ldflags "-X github.com/cloudfoundry/bosh-cli/v7/cmd.VersionLabel=${version#v}" \
  -o "$binary" github.com/cloudfoundry/bosh-cli/v7
