package cpi

import (
	"context"
	"errors"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// createDisk makes a detached DATADISK and returns its UUID.
//
//	create_disk(size_mib, cloud_properties, vm_cid|null)
//
// The disk goes into the VM's zone when the director names the VM it will be attached to (disk types
// carry no zone: AZ properties are not merged into them), else into the default zone. It is created
// detached: attach_disk follows, and a disk created attached would skip the hint and registry steps.
func createDisk(ctx context.Context, env *Env, args Args) (any, error) {
	const method = "create_disk"
	sizeMiB := args.Int(0)
	if err := checkDiskSize(method, "argument 1 (size)", sizeMiB); err != nil {
		return nil, err
	}
	var props diskCloudProperties
	if err := args.Decode(1, &props); err != nil {
		return nil, err
	}
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	zone, err := diskZoneFor(ctx, env, cloud, args.String(2))
	if err != nil {
		return nil, err
	}
	choice, err := chooseDiskOffering(ctx, env, cloud, method, props, sizeMiB, zone)
	if err != nil {
		return nil, err
	}

	spec := cloudstack.VolumeSpec{
		Name:           newDiskName(),
		ZoneID:         zone.ID,
		DiskOfferingID: choice.offering.ID,
		SizeGiB:        choice.sizeGiB(sizeMiB),
	}
	env.Log.Info("cpi.Disk", "creating disk %s of %s in zone '%s' with %s '%s'",
		spec.Name, describeMiB(sizeMiB), zone.Label, choice.source, choice.offering.Name)
	volume, err := cloud.Volumes().Create(ctx, spec, env.Config.CloudStack.Timeout.For("create_volume"))
	if err != nil {
		var created *cloudstack.CreateError
		if errors.As(err, &created) {
			removeFailedDisk(ctx, env, cloud, created.ID)
		}
		if cloudstack.IsCapacity(err) {
			return nil, NewNoDiskSpace(err, "%s: CloudStack has no room for a disk of %s in zone '%s'", method, describeMiB(sizeMiB), zone.Label)
		}
		return nil, NewCloudError(err, "%s: creating disk %s", method, spec.Name)
	}

	if err := cloud.Tags().Create(ctx, cloudstack.ResourceTypeVolume, volume.ID, ownershipTags(env)); err != nil {
		// An untagged disk would look like someone else's to an operator: take it back.
		removeFailedDisk(ctx, env, cloud, volume.ID)
		return nil, NewCloudError(err, "%s: tagging disk %s", method, volume.ID)
	}
	env.Log.Info("cpi.Disk", "created disk %s (%s)", volume.ID, spec.Name)
	return volume.ID, nil
}

// diskZoneFor is the VM's zone when vmCID is given, else the configured default zone.
func diskZoneFor(ctx context.Context, env *Env, cloud Cloud, vmCID string) (diskZone, error) {
	if vmCID != "" {
		vm, err := mustFindVM(ctx, cloud, vmCID)
		if err != nil {
			return diskZone{}, err
		}
		return diskZone{ID: vm.ZoneID, Label: vm.ZoneID}, nil
	}
	name := env.Config.CloudStack.DefaultZone
	zone, found, err := cloud.Zones().Find(ctx, name)
	if err != nil {
		return diskZone{}, NewCloudError(err, "looking up cloudstack.default_zone '%s'", name)
	}
	if !found {
		return diskZone{}, NewCpiError(nil, "cloudstack.default_zone '%s' is not a zone of this CloudStack", name)
	}
	return diskZone{ID: zone.ID, Label: zone.Name}, nil
}

// removeFailedDisk deletes a volume a failed create_disk left behind. Its own failure is only logged:
// the create's error is the one to report, and the log names the volume for an operator to remove.
func removeFailedDisk(ctx context.Context, env *Env, cloud Cloud, volumeID string) {
	if volumeID == "" {
		return
	}
	if err := cloud.Volumes().Delete(ctx, volumeID); err != nil {
		env.Log.Error("cpi.Disk", "could not remove volume %s after the failed create_disk; remove it by hand: %s", volumeID, err)
		return
	}
	env.Log.Info("cpi.Disk", "removed volume %s after the failed create_disk", volumeID)
}
