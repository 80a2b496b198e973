package cpi

import (
	"context"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// diskCloudProperties are a disk type's cloud_properties. Other keys (the director's dynamic disks add
// "name") are ignored.
type diskCloudProperties struct {
	// DiskOffering is a CloudStack disk offering, by name or id.
	DiskOffering string `json:"disk_offering"`
}

// diskZone is the zone a disk lives in: its id for CloudStack, a label (its name when known) for people.
type diskZone struct {
	ID    string
	Label string
}

// diskOfferingChoice is an offering and where it was named, for messages.
type diskOfferingChoice struct {
	offering cloudstack.DiskOffering
	source   string // "cloud_properties.disk_offering", "cloudstack.default_offer.disk", ...
}

// sizeGiB is what createVolume and resizeVolume take for this offering: the rounded-up size for a
// customized offering, 0 (the offering's own) for a fixed one.
func (c diskOfferingChoice) sizeGiB(sizeMiB int64) int64 {
	if c.offering.IsCustomized {
		return gibFor(sizeMiB)
	}
	return 0
}

// sizeBytes is the size a volume of this offering has when asked for sizeMiB.
func (c diskOfferingChoice) sizeBytes(sizeMiB int64) int64 {
	if c.offering.IsCustomized {
		return gibFor(sizeMiB) * bytesGiB
	}
	return c.offering.DiskSizeGiB * bytesGiB
}

// fits reports whether a disk of this offering holds sizeMiB.
func (c diskOfferingChoice) fits(sizeMiB int64) bool {
	return c.offering.IsCustomized || c.offering.DiskSizeGiB*mibPerGiB >= sizeMiB
}

// chooseDiskOffering picks the offering for a disk of sizeMiB in zone: the one the cloud properties
// name, else default_offer.disk, else default_offer.custom_disk. A fixed default too small for the size
// gives way to the customized one; a fixed offering the disk type names must fit, or it is an error,
// since silently using another offering would put the disk on storage the operator did not choose.
// Nothing is created here, so every refusal leaves the cloud untouched.
func chooseDiskOffering(ctx context.Context, env *Env, cloud Cloud, method string, props diskCloudProperties,
	sizeMiB int64, zone diskZone) (diskOfferingChoice, error) {
	if props.DiskOffering != "" {
		choice, err := findDiskOffering(ctx, cloud, method, "cloud_properties.disk_offering", props.DiskOffering, zone)
		if err != nil {
			return diskOfferingChoice{}, err
		}
		if !choice.fits(sizeMiB) {
			return diskOfferingChoice{}, tooSmallError(method, choice, sizeMiB, "use a larger fixed offering or a customized one")
		}
		return choice, nil
	}

	defaults := env.Config.CloudStack.DefaultOffer
	candidates := []struct{ key, name string }{
		{"cloudstack.default_offer.disk", defaults.Disk},
		{"cloudstack.default_offer.custom_disk", defaults.CustomDisk},
	}
	var tooSmall *diskOfferingChoice
	for _, candidate := range candidates {
		if candidate.name == "" {
			continue
		}
		choice, err := findDiskOffering(ctx, cloud, method, candidate.key, candidate.name, zone)
		if err != nil {
			return diskOfferingChoice{}, err
		}
		if choice.fits(sizeMiB) {
			if tooSmall != nil {
				env.Log.Info("cpi.Disk", "%s: %s '%s' is %d GiB, too small for %s; using %s '%s'", method,
					tooSmall.source, tooSmall.offering.Name, tooSmall.offering.DiskSizeGiB, describeMiB(sizeMiB), choice.source, choice.offering.Name)
			}
			return choice, nil
		}
		tooSmall = &choice
	}
	if tooSmall != nil {
		return diskOfferingChoice{}, tooSmallError(method, *tooSmall, sizeMiB,
			"name a larger or customized offering in the disk type's cloud_properties.disk_offering, or set cloudstack.default_offer.custom_disk")
	}
	return diskOfferingChoice{}, NewCpiError(nil, "%s: no disk offering to use: the disk type's cloud_properties name no disk_offering "+
		"and the CPI config sets neither cloudstack.default_offer.disk nor cloudstack.default_offer.custom_disk", method)
}

// findDiskOffering resolves an offering named by source (a cloud property or config key) in zone.
func findDiskOffering(ctx context.Context, cloud Cloud, method, source, nameOrID string, zone diskZone) (diskOfferingChoice, error) {
	offering, found, err := cloud.Offerings().FindDisk(ctx, nameOrID, zone.ID)
	if err != nil {
		return diskOfferingChoice{}, NewCloudError(err, "%s: looking up %s '%s'", method, source, nameOrID)
	}
	if !found {
		return diskOfferingChoice{}, NewCpiError(nil, "%s: %s '%s' is not a disk offering available in zone '%s'",
			method, source, nameOrID, zone.Label)
	}
	return diskOfferingChoice{offering: offering, source: source}, nil
}

func tooSmallError(method string, choice diskOfferingChoice, sizeMiB int64, advice string) error {
	return NewCpiError(nil, "%s: %s '%s' is a fixed offering of %d GiB, smaller than the %s asked for: %s",
		method, choice.source, choice.offering.Name, choice.offering.DiskSizeGiB, describeMiB(sizeMiB), advice)
}
