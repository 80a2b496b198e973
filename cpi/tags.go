package cpi

import (
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// Tags on every VM, volume and snapshot this CPI makes. bosh_managed marks them as ours (an operator's
// own resources never carry it); director_uuid says which director owns them when several share an
// account. The ephemeral disk, a DATADISK that lives and dies with its VM, also carries
// bosh_ephemeral=true, so that get_disks and delete_vm tell it from the persistent disks attached to
// the same VM (those are never deleted).
const (
	tagManaged   = "bosh_managed"
	tagDirector  = "director_uuid"
	tagEphemeral = "bosh_ephemeral"
)

// Name prefixes of the older CloudStack CPIs' volumes: their persistent disk CIDs were these names, and
// their ephemeral disks were separate DATADISK volumes that are not persistent disks.
const (
	legacyDiskPrefix          = "cpi-disk-"
	legacyEphemeralDiskPrefix = "cpi-ephemeral-disk-"
)

// ownershipTags are the tags every resource this CPI creates carries. An empty director UUID
// (create-env sends none) is left out: CloudStack refuses empty tag values.
func ownershipTags(env *Env) map[string]string {
	tags := map[string]string{tagManaged: "true"}
	if env.Call.DirectorUUID != "" {
		tags[tagDirector] = env.Call.DirectorUUID
	}
	return tags
}

// isEphemeralDisk tells a VM's ephemeral disk from its persistent ones among its DATADISKs.
func isEphemeralDisk(volume cloudstack.Volume) bool {
	return strings.EqualFold(volume.Tags[tagEphemeral], "true") || strings.HasPrefix(volume.Name, legacyEphemeralDiskPrefix)
}
