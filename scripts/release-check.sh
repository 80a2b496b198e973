#!/usr/bin/env bash
# make release-check: takes the tarball `make release` made apart and does with it what BOSH does,
# without network: compiles golang-1-linux then cloudstack_cpi with their packaging scripts in a wiped
# environment, renders the cloudstack_cpi job from the job.MF inside the tarball, and answers `info`
# through the rendered bin/cpi and the compiled binary. Needs ruby (as create-env does); uses
# `unshare -rn` to cut the network when the kernel allows it, and GOPROXY=off in any case.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)

tarball=${1:-out/bosh-cloudstack-cpi${RELEASE_VERSION:+-$RELEASE_VERSION}.tgz}
if [ ! -f "$tarball" ]; then
  echo "release-check: no $tarball; run make release first" >&2
  exit 1
fi
if ! command -v ruby >/dev/null; then
  echo "release-check: ruby is needed to render the job's templates (apt-get install -y ruby)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/release" "$work/packages" "$work/jobs/cloudstack_cpi"
tar -xzf "$tarball" -C "$work/release"

offline=()
if unshare -rn true 2>/dev/null; then
  offline=(unshare -rn)
else
  echo "release-check: cannot cut the network here (unshare -rn); relying on GOPROXY=off" >&2
fi

for package in golang-1-linux cloudstack_cpi; do
  echo "== compiling $package" >&2
  compile="$work/compile/$package"
  mkdir -p "$compile" "$work/packages/$package"
  tar -xzf "$work/release/packages/$package.tgz" -C "$compile"
  (cd "$compile" && "${offline[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    BOSH_COMPILE_TARGET="$compile" BOSH_INSTALL_TARGET="$work/packages/$package" \
    BOSH_PACKAGE_NAME="$package" BOSH_PACKAGES_DIR="$work/packages" \
    bash packaging >"$work/compile/$package.log" 2>&1) || {
      cat "$work/compile/$package.log" >&2
      echo "release-check: compiling $package failed" >&2
      exit 1
    }
  tail -n 1 "$work/compile/$package.log" >&2
done

echo "== rendering the cloudstack_cpi job and calling info" >&2
job="$work/jobs/cloudstack_cpi"
mkdir -p "$work/job-src"
tar -xzf "$work/release/jobs/cloudstack_cpi.tgz" -C "$work/job-src"
cat > "$work/properties.yml" <<'PROPERTIES'
cloudstack: {endpoint: "https://cloud.example.com/client/api", api_key: K, secret_access_key: S, default_zone: zone1}
agent: {mbus: "https://mbus:password@0.0.0.0:6868"}
PROPERTIES
mkdir -p "$job/bin" "$job/config"
render() { ruby "$repo/release/templatetest/render.rb" "$work/job-src/job.MF" "$work/job-src/templates/$1" "$work/properties.yml"; }
render cpi.erb > "$job/bin/cpi"
render cpi.json.erb > "$job/config/cpi.json"
chmod 0755 "$job/bin/cpi"

response=$(echo '{"method": "info", "arguments": [], "context": {"director_uuid": "check"}, "api_version": 1}' |
  "${offline[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin BOSH_PACKAGES_DIR="$work/packages" BOSH_JOBS_DIR="$work/jobs" \
  CLOUDSTACK_CPI_LOG_DIR="$work/no-log-dir" "$job/bin/cpi" 2>/dev/null)
echo "$response"
case "$response" in
  *'"api_version":3'*) echo "release-check: $tarball compiles offline and answers info" >&2 ;;
  *) echo "release-check: unexpected info response" >&2; exit 1 ;;
esac
