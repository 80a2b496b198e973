package cpi

// Tags on the volumes and snapshots this CPI makes. bosh_managed marks them as ours (an operator's own
// volumes never carry it); director_uuid says which director owns them when several share an account.
const (
	diskTagManaged  = "bosh_managed"
	diskTagDirector = "director_uuid"
	// diskTagEphemeral marks a VM's ephemeral data disk (set by create_vm), which get_disks must not
	// report as a persistent disk.
	diskTagEphemeral = "bosh_ephemeral"
)

// Name prefixes of the older CloudStack CPIs' volumes: their persistent disk CIDs were these names, and
// their ephemeral disks were separate DATADISK volumes that are not persistent disks.
const (
	legacyDiskPrefix          = "cpi-disk-"
	legacyEphemeralDiskPrefix = "cpi-ephemeral-disk-"
)

// ownershipTags are the tags every disk and snapshot this CPI creates carries. An empty director UUID
// (create-env sends none) is left out: CloudStack refuses empty tag values.
func ownershipTags(env *Env) map[string]string {
	tags := map[string]string{diskTagManaged: "true"}
	if env.Call.DirectorUUID != "" {
		tags[diskTagDirector] = env.Call.DirectorUUID
	}
	return tags
}
