package cpi

import (
	"context"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// resizeDisk grows a detached disk in place.
//
//	resize_disk(disk_cid, new_size_mib)
//
// A disk of a customized offering is resized to the new size rounded up to whole GiB. A disk of a fixed
// offering moves to cloudstack.default_offer.custom_disk at the new size when that is configured.
// Everything else (a shrink, a fixed offering with nowhere to go, CloudStack refusing) is NotSupported,
// and the director falls back to copying the data to a new disk. A size that rounds up to the one the
// disk has is a no-op.
func resizeDisk(ctx context.Context, env *Env, args Args) (any, error) {
	const method = "resize_disk"
	cid, sizeMiB := args.String(0), args.Int(1)
	if err := checkDiskSize(method, "argument 2 (new_size)", sizeMiB); err != nil {
		return nil, err
	}
	cloud, volume, err := cloudAndVolume(ctx, env, cid)
	if err != nil {
		return nil, err
	}
	// CloudStack sizes are whole GiB: compare what CloudStack would make of the new size.
	sizeGiB := gibFor(sizeMiB)
	switch target := sizeGiB * bytesGiB; {
	case target == volume.SizeBytes:
		env.Log.Info("cpi.Disk", "disk '%s' is already %s: nothing to resize", cid, describeMiB(volume.SizeBytes/bytesMiB))
		return nil, nil
	case target < volume.SizeBytes:
		return nil, shrinkRefused(method, cid, volume, sizeMiB)
	}

	offering, found, err := currentDiskOffering(ctx, cloud, method, cid, volume)
	if err != nil {
		return nil, err
	}
	newOfferingID := ""
	if !found || !offering.IsCustomized {
		custom, err := growthOffering(ctx, env, cloud, method, cid, volume)
		if err != nil {
			return nil, err
		}
		if found && !sameStorageType(offering, custom.offering) {
			return nil, NewNotSupported(nil, "%s: disk '%s' is on %s storage, and %s '%s' is for %s storage",
				method, cid, offering.StorageType, custom.source, custom.offering.Name, custom.offering.StorageType)
		}
		newOfferingID = custom.offering.ID
	}
	env.Log.Info("cpi.Disk", "resizing disk '%s' from %s to %d GiB", cid, describeMiB(volume.SizeBytes/bytesMiB), sizeGiB)
	if err := resizeVolumeInPlace(ctx, env, cloud, method, cid, volume, sizeGiB, newOfferingID); err != nil {
		return nil, err
	}
	return nil, nil
}

// growthOffering is the customized offering a disk of a fixed offering can grow into:
// cloudstack.default_offer.custom_disk. Without one the resize is NotSupported; one that does not exist
// or is not customized is a config error worth reporting as such.
func growthOffering(ctx context.Context, env *Env, cloud Cloud, method, cid string, volume cloudstack.Volume) (diskOfferingChoice, error) {
	name := env.Config.CloudStack.DefaultOffer.CustomDisk
	if name == "" {
		return diskOfferingChoice{}, NewNotSupported(nil, "%s: disk '%s' has a fixed size, and no cloudstack.default_offer.custom_disk "+
			"is configured to move it to", method, cid)
	}
	choice, err := findDiskOffering(ctx, cloud, method, "cloudstack.default_offer.custom_disk", name, diskZone{ID: volume.ZoneID, Label: volume.ZoneID})
	if err != nil {
		return diskOfferingChoice{}, err
	}
	if !choice.offering.IsCustomized {
		return diskOfferingChoice{}, NewCpiError(nil, "%s: cloudstack.default_offer.custom_disk '%s' is not a customized disk offering", method, name)
	}
	return choice, nil
}
