package cpi

import (
	"context"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// The ephemeral disk is tagged at creation (see tags.go) so delete_vm and get_disks recognise it.
const (
	// ephemeralDeviceID is where the ephemeral disk sits: the first data disk, created or attached
	// before the VM first boots.
	ephemeralDeviceID = 1
)

// ephemeralDisk is the planned ephemeral disk of a VM.
type ephemeralDisk struct {
	mode     string // config.EphemeralDiskDeploy or config.EphemeralDiskVolume
	offering cloudstack.DiskOffering
	sizeGiB  int64 // sent for a customized offering; 0 for a fixed one
}

// hint is the disks.ephemeral entry of the agent settings. It is computed before the disk exists (the
// settings travel in the deploy call), so on KVM it is the device path, not the volume's by-id link:
// at first boot the ephemeral disk is the only data disk, so it is the second virtio disk.
func (d *ephemeralDisk) hint(hypervisor string) *registry.DiskHint {
	if d == nil {
		return nil
	}
	hint := registry.HintFor(ephemeralDeviceID, hypervisor, "")
	return &hint
}

type offeringCandidate struct {
	ref string // name or id
	key string // where it came from, for messages
}

// planEphemeralDisk decides the VM's ephemeral disk: nil for none (the stemcell then partitions the root
// disk). The offering is cloud_properties.ephemeral_disk_offering, else cloudstack.default_offer's
// ephemeral_disk, else its custom_disk (also when the default fixed offering is too small).
func planEphemeralDisk(ctx context.Context, env *Env, cloud Cloud, props vmCloudProperties, zone cloudstack.Zone) (*ephemeralDisk, error) {
	cs := env.Config.CloudStack
	mode := cs.EphemeralDiskMode
	if mode == "" {
		mode = config.EphemeralDiskDeploy
	}
	sizeMiB, sizeKey := props.ephemeralSizeMiB()
	if mode == config.EphemeralDiskNone {
		if sizeMiB > 0 || props.EphemeralDiskOffering != "" {
			env.Log.Info("cpi.CreateVM", "cloudstack.ephemeral_disk_mode is none: no ephemeral disk, the agent uses the root disk (cloud_properties.%s ignored)",
				firstNonEmptyString(sizeKey, "ephemeral_disk_offering"))
		}
		return nil, nil
	}
	if sizeMiB == 0 && props.EphemeralDiskOffering == "" {
		env.Log.Debug("cpi.CreateVM", "no ephemeral disk size or offering asked for: the agent uses the root disk")
		return nil, nil
	}

	var candidates []offeringCandidate
	if props.EphemeralDiskOffering != "" {
		candidates = append(candidates, offeringCandidate{props.EphemeralDiskOffering, "cloud_properties.ephemeral_disk_offering"})
	} else {
		if cs.DefaultOffer.EphemeralDisk != "" {
			candidates = append(candidates, offeringCandidate{cs.DefaultOffer.EphemeralDisk, "cloudstack.default_offer.ephemeral_disk"})
		}
		if cs.DefaultOffer.CustomDisk != "" {
			candidates = append(candidates, offeringCandidate{cs.DefaultOffer.CustomDisk, "cloudstack.default_offer.custom_disk"})
		}
	}
	if len(candidates) == 0 {
		return nil, NewCloudError(nil, "create_vm: cloud_properties.%s asks for a %d MiB ephemeral disk but no disk offering is named: "+
			"set cloud_properties.ephemeral_disk_offering, or cloudstack.default_offer.ephemeral_disk or custom_disk in the CPI config", sizeKey, sizeMiB)
	}

	sizeGiB := mibToGiB(sizeMiB)
	for i, c := range candidates {
		offering, found, err := cloud.Offerings().FindDisk(ctx, c.ref, zone.ID)
		if err != nil {
			return nil, NewCloudError(err, "create_vm: looking up disk offering '%s' (%s)", c.ref, c.key)
		}
		if !found {
			return nil, NewCloudError(nil, "create_vm: disk offering '%s' (%s) does not exist in zone '%s'", c.ref, c.key, zone.Name)
		}
		switch {
		case offering.IsCustomized && sizeMiB == 0:
			return nil, NewCloudError(nil, "create_vm: disk offering '%s' (%s) is customized: give the ephemeral disk size in cloud_properties.ephemeral_disk_size (MiB)", c.ref, c.key)
		case offering.IsCustomized:
			return &ephemeralDisk{mode: mode, offering: offering, sizeGiB: sizeGiB}, nil
		case sizeGiB <= offering.DiskSizeGiB:
			return &ephemeralDisk{mode: mode, offering: offering}, nil
		case i+1 < len(candidates):
			env.Log.Info("cpi.CreateVM", "disk offering '%s' (%s) gives %d GiB, less than the %d MiB asked for: trying %s",
				c.ref, c.key, offering.DiskSizeGiB, sizeMiB, candidates[i+1].key)
		default:
			return nil, NewCloudError(nil, "create_vm: disk offering '%s' (%s) gives %d GiB, less than the %d MiB of cloud_properties.%s: "+
				"name a bigger or a customized offering", c.ref, c.key, offering.DiskSizeGiB, sizeMiB, sizeKey)
		}
	}
	return nil, nil // not reached: the last candidate always returns
}
