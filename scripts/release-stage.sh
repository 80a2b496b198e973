#!/usr/bin/env bash
# Stages the CPI's sources for the cloudstack_cpi package in release/src/bosh-cloudstack-cpi. bosh
# refuses files reached through a symlinked directory, so they are copied, with `git archive`: the
# tracked files of HEAD plus uncommitted changes to them (never untracked files), and of those only
# go.mod, go.sum and the packages cmd/cloudstack-cpi imports, without tests. Their dependencies are
# vendored there, so the package compiles without network; the repository itself has no vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."

stage=release/src/bosh-cloudstack-cpi
# A dangling commit of the working tree's tracked changes, or nothing when there are none. The index
# is refreshed first: with stale stat data (bosh add-blob rewrites blobs.yml) stash create fails mutely.
# The identity is for that throw-away commit only, so that a machine without one can stage too.
git update-index -q --refresh >/dev/null || true
tree=$(GIT_AUTHOR_NAME=release-stage GIT_AUTHOR_EMAIL=release-stage@localhost \
  GIT_COMMITTER_NAME=release-stage GIT_COMMITTER_EMAIL=release-stage@localhost git stash create)
tree=${tree:-HEAD}
version=${RELEASE_VERSION:-$(git describe --tags --always --dirty)}

root=$(pwd -P)
packages=()
while IFS= read -r dir; do
  packages+=(":(glob)${dir#"$root"/}/*")
done < <(GOOS=linux GOARCH=amd64 GOFLAGS= go list -deps \
  -f '{{if and .Module .Module.Main}}{{.Dir}}{{end}}' ./cmd/cloudstack-cpi)
if [ "${#packages[@]}" -eq 0 ]; then
  echo "release-stage: go list found no package of this module under cmd/cloudstack-cpi" >&2
  exit 1
fi

rm -rf release/src
mkdir -p "$stage"
git archive --format=tar "$tree" -- go.mod go.sum "${packages[@]}" ':(exclude,glob)**/*_test.go' \
  | tar -x -C "$stage"
(cd "$stage" && GOFLAGS= go mod vendor)
echo "$version" > "$stage/VERSION"
echo "staged $version ($(git rev-parse --short "$tree")) in $stage" >&2
