// Package registry builds what the BOSH agent on a CloudStack VM reads at
// boot, and hands it over.
//
//   - BuildSettings turns create_vm's arguments (agent id, networks, env),
//     the CPI's agent config (mbus, ntp, blobstore) and what deploying the VM
//     taught us (NIC MACs and IPs, disk hints) into AgentSettings, the
//     document the agent unmarshals into its settings.Settings.
//   - HintFor computes a disk hint from a volume's CloudStack deviceid and
//     the hypervisor, in the shape the agent's device path resolvers use.
//   - EncodeUserData puts the settings into CloudStack user-data (base64,
//     size-checked); EncodeRegistryUserData writes the small bootstrap
//     user-data of registry mode (stemcell API version 1).
//   - Client speaks the legacy BOSH registry protocol
//     (/instances/<id>/settings) for those old stemcells.
//
// The package imports nothing of this project. Its tests check the encoded
// user-data against the real consumer: the bosh-agent's own HTTP metadata
// settings source, fed over HTTP as the CloudStack stemcell configures it.
package registry
