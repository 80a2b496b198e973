package cpi

import "context"

// updateDisk changes a detached disk's offering and/or size in place and returns the same CID.
//
//	update_disk(disk_cid, new_size_mib, cloud_properties) -> disk_cid
//
// The wanted offering is the one create_disk would pick for these cloud properties and size, so that an
// updated disk is what a new one would be. CloudStack's resizeVolume changes the size (customized
// offerings) and the offering (diskofferingid) of a volume in place. Anything it cannot do (a shrink,
// another kind of storage, a refusal) is NotSupported, and the director copies the data to a new disk.
// Bad input (a size of 0, an unknown or too small offering) is a CpiError, as in create_disk.
func updateDisk(ctx context.Context, env *Env, args Args) (any, error) {
	const method = "update_disk"
	cid, sizeMiB := args.String(0), args.Int(1)
	if err := checkDiskSize(method, "argument 2 (new_size)", sizeMiB); err != nil {
		return nil, err
	}
	var props diskCloudProperties
	if err := args.Decode(2, &props); err != nil {
		return nil, err
	}
	cloud, volume, err := cloudAndVolume(ctx, env, cid)
	if err != nil {
		return nil, err
	}
	wanted, err := chooseDiskOffering(ctx, env, cloud, method, props, sizeMiB, diskZone{ID: volume.ZoneID, Label: volume.ZoneID})
	if err != nil {
		return nil, err
	}
	wantedBytes := wanted.sizeBytes(sizeMiB)
	if wantedBytes < volume.SizeBytes {
		return nil, shrinkRefused(method, cid, volume, wantedBytes/bytesMiB)
	}

	if wanted.offering.ID == volume.DiskOfferingID {
		if wantedBytes == volume.SizeBytes || !wanted.offering.IsCustomized {
			env.Log.Info("cpi.Disk", "disk '%s' already has %s '%s' and %s: nothing to update",
				cid, wanted.source, wanted.offering.Name, describeMiB(volume.SizeBytes/bytesMiB))
			return cid, nil
		}
		env.Log.Info("cpi.Disk", "resizing disk '%s' to %d GiB", cid, wanted.sizeGiB(sizeMiB))
		if err := resizeVolumeInPlace(ctx, env, cloud, method, cid, volume, wanted.sizeGiB(sizeMiB), ""); err != nil {
			return nil, err
		}
		return cid, nil
	}

	current, found, err := currentDiskOffering(ctx, cloud, method, cid, volume)
	if err != nil {
		return nil, err
	}
	if found && !sameStorageType(current, wanted.offering) {
		return nil, NewNotSupported(nil, "%s: disk '%s' is on %s storage, and %s '%s' is for %s storage",
			method, cid, current.StorageType, wanted.source, wanted.offering.Name, wanted.offering.StorageType)
	}
	env.Log.Info("cpi.Disk", "moving disk '%s' to %s '%s' at %s", cid, wanted.source, wanted.offering.Name, describeMiB(wantedBytes/bytesMiB))
	if err := resizeVolumeInPlace(ctx, env, cloud, method, cid, volume, wanted.sizeGiB(sizeMiB), wanted.offering.ID); err != nil {
		return nil, err
	}
	return cid, nil
}
