#!/usr/bin/env bash
# make acceptance: the lifecycle suite against a real CloudStack (for operators and CI acceptance runs).
# Every CPI_CLOUDSTACK_* variable below is required; the specs that need the simulator's insides
# (inventory, fault injection) are left out.
set -euo pipefail
cd "$(dirname "$0")/.."

required=(CPI_CLOUDSTACK_ENDPOINT CPI_CLOUDSTACK_API_KEY CPI_CLOUDSTACK_SECRET_KEY CPI_CLOUDSTACK_ZONE
          CPI_CLOUDSTACK_NETWORK CPI_CLOUDSTACK_COMPUTE_OFFERING CPI_CLOUDSTACK_DISK_OFFERING CPI_CLOUDSTACK_STEMCELL)
missing=()
for name in "${required[@]}"; do
  [ -n "${!name:-}" ] || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "make acceptance runs against a real CloudStack and needs these variables, which are not set:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "(CPI_CLOUDSTACK_STEMCELL is the path of a stemcell tarball for that cloud.)" >&2
  exit 2
fi
exec go tool ginkgo --no-color -v --label-filter='!simulator' --timeout=2h integration
