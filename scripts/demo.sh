#!/usr/bin/env bash
# The main job, end to end through the CPI binary. Until the bundled simulator lands, it can only show
# the calls that need no cloud.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/cpi.json" <<JSON
{"cloudstack": {"endpoint": "https://cloud.invalid/client/api", "api_key": "demo-key", "secret_access_key": "demo-secret",
                "default_zone": "zone1"},
 "agent": {"mbus": "https://mbus:demo-password@0.0.0.0:6868"}}
JSON
call() {
  echo ">>> $1"
  echo "$1" | bin/cloudstack-cpi -configFile "$work/cpi.json" 2>/dev/null
  echo
}
call '{"method":"info","arguments":[],"context":{"director_uuid":"demo"},"api_version":1}'
call '{"method":"has_vm","arguments":["vm-1"],"context":{"director_uuid":"demo"},"api_version":2}'
echo "The CloudStack simulator that the full lifecycle runs against is not bundled yet."
