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
// user-data against its consumer: a virtual router on 127.0.0.1 serves it
// where the CloudStack stemcell's agent.json looks, and bosh-agent
// v2.769.0's own settings code (settings.Settings, settings.Service, the
// virtio device path resolvers) reads it. Only the HTTP fetch itself is a
// copy of the agent's: its infrastructure package does not compile against
// the bosh-utils this module pins (see agent_harness_test.go).
package registry
