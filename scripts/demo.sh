#!/usr/bin/env bash
# make demo: the main job end to end. Starts the bundled CloudStack simulator on a free loopback port,
# writes a cpi.json for it, drives the CPI binary through a lifecycle exactly as BOSH does (one JSON
# request on stdin per process), prints each request and response (secrets are redacted by the CPI),
# shows what the simulator holds at the end, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

bin/cloudstack-simulator -listen 127.0.0.1:0 -job-delay 200ms >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do
  grep -q '^secret_key: ' "$work/sim.out" 2>/dev/null && break
  sleep 0.1
done
endpoint=$(sed -n 's/^endpoint: //p' "$work/sim.out")
api_key=$(sed -n 's/^api_key: //p' "$work/sim.out")
secret_key=$(sed -n 's/^secret_key: //p' "$work/sim.out")
[ -n "$secret_key" ] || { echo "the simulator did not start:"; cat "$work/sim.err"; exit 1; }
admin=${endpoint%/client/api}/admin
echo "== CloudStack simulator at $endpoint"

cat >"$work/cpi.json" <<JSON
{"cloudstack": {"endpoint": "$endpoint", "api_key": "$api_key", "secret_access_key": "$secret_key",
                "default_zone": "zone1", "default_offer": {"custom_disk": "custom"}},
 "agent": {"mbus": "https://mbus:demo-mbus-password@0.0.0.0:6868", "ntp": ["0.pool.ntp.org"]}}
JSON

# call METHOD ARGS_JSON [API_VERSION]: one CPI process, as the director runs it. Sets $result.
call() {
  local request="{\"method\":\"$1\",\"arguments\":$2,\"context\":{\"director_uuid\":\"demo-director\",\"request_id\":\"cpi-$RANDOM\",\"vm\":{\"stemcell\":{\"api_version\":3}}},\"api_version\":${3:-2}}"
  echo
  # The request is shown as the CPI would log it: secrets in it (the agent's password hash here) masked.
  echo ">>> $(echo "$request" | sed -E 's/"(password|private_key|secret_access_key|api_key)": *"[^"]*"/"\1": "[REDACTED]"/g')"
  response=$(echo "$request" | bin/cloudstack-cpi -configFile "$work/cpi.json" 2>"$work/last.log")
  # The log is in the response too; show the response without it to keep the demo readable.
  echo "<<< $(echo "$response" | sed 's/,"log":".*"}$/}/')"
  result=$(echo "$response" | sed -n 's/^{"result":"\([^"]*\)".*/\1/p')
}

call info '[]' 1

# A cloudstack-vhdx stemcell image (bzip2 of a VHD), as bosh-linux-stemcell-builder makes for XenServer.
image="$PWD/stemcell/testdata/tiny.vhd.bz2"
call create_stemcell "[\"$image\", {\"name\": \"bosh-cloudstack-xen-ubuntu-jammy-go_agent\", \"version\": \"1.423\", \"hypervisor\": \"xen\", \"infrastructure\": \"cloudstack\"}]"
stemcell_cid=$result

# What the director sends for one instance: a static IP on a CloudStack network, an ephemeral disk,
# and the agent's env (whose password is redacted in the CPI's own log).
networks='{"private": {"type": "manual", "ip": "10.1.1.20", "netmask": "255.255.255.0", "gateway": "10.1.1.1", "dns": ["8.8.8.8"], "default": ["dns", "gateway"], "cloud_properties": {"name": "zone1-isolated"}}}'
env='{"bosh": {"group": "demo-director-demo-web", "groups": ["demo-director", "demo", "web", "demo-director-demo", "demo-web", "demo-director-demo-web"], "password": "$6$demo-hashed-password"}}'
call calculate_vm_cloud_properties '[{"cpu": 1, "ram": 512, "ephemeral_disk_size": 2048}]'
vm_request="[\"agent-demo-0\", \"$stemcell_cid\", {\"compute_offering\": \"Small Instance\", \"ephemeral_disk_size\": 2048}, $networks, [], $env]"
call create_vm "$vm_request"
vm_cid=$(echo "$response" | sed -n 's/^{"result":\["\([^"]*\)".*/\1/p')
call has_vm "[\"$vm_cid\"]"
call set_vm_metadata "[\"$vm_cid\", {\"director\": \"demo-director\", \"deployment\": \"demo\", \"job\": \"web\", \"index\": \"0\", \"name\": \"web/0\"}]"

call create_disk "[10240, {}, \"$vm_cid\"]"
disk_cid=$result
call attach_disk "[\"$vm_cid\", \"$disk_cid\"]"
call get_disks "[\"$vm_cid\"]"
call has_disk "[\"$disk_cid\"]"
call set_disk_metadata "[\"$disk_cid\", {\"director\": \"demo-director\", \"deployment\": \"demo\", \"instance_group\": \"web\"}]"
call snapshot_disk "[\"$disk_cid\", {\"deployment\": \"demo\", \"index\": 0}]"
snapshot_cid=$result
call delete_snapshot "[\"$snapshot_cid\"]"
call detach_disk "[\"$vm_cid\", \"$disk_cid\"]"
call resize_disk "[\"$disk_cid\", 20480]"
call attach_disk "[\"$vm_cid\", \"$disk_cid\"]"
call reboot_vm "[\"$vm_cid\"]"
call delete_vm "[\"$vm_cid\"]"
call has_vm "[\"$vm_cid\"]"
call delete_disk "[\"$disk_cid\"]"
call delete_stemcell "[\"$stemcell_cid\"]"

echo
echo "== what the simulator holds at the end (GET $admin/inventory): templates, VMs, volumes, snapshots"
inventory=$(curl -fsS "$admin/inventory" 2>/dev/null || true)
if [ -z "$inventory" ]; then
  echo "(curl is not installed: open $admin/inventory yourself)"
elif command -v python3 >/dev/null; then
  echo "$inventory" | python3 -c '
import json, sys
inv = json.load(sys.stdin)
for table in ("templates", "virtualmachines", "volumes", "snapshots"):
    rows = inv.get(table) or []
    print("  %s: %d" % (table, len(rows)))
    for r in rows:
        print("    %s %s %s" % (r.get("id"), r.get("name", ""), r.get("state", "")))
'
else
  echo "$inventory"
fi
