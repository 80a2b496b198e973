package cpi

import "context"

// detachDisk detaches a disk from a VM.
//
//	detach_disk(vm_cid, disk_cid)
//
// A gone VM is VMNotFound and a gone disk DiskNotFound. A disk that exists but is not attached to that
// VM (detached, or attached to another) is DiskNotAttached, as in the AWS and Google CPIs: the director
// then fails only if it believed the disk active on that VM, and carries on otherwise.
//
// In registry mode the hint is removed from the VM's settings first: the director has already told the
// agent to forget the disk, and a retry after a failed detach finds the registry already clean.
func detachDisk(ctx context.Context, env *Env, args Args) (any, error) {
	vmCID, diskCID := args.String(0), args.String(1)
	cloud, vm, err := cloudAndVM(ctx, env, vmCID)
	if err != nil {
		return nil, err
	}
	volume, err := mustFindVolume(ctx, cloud, diskCID)
	if err != nil {
		return nil, err
	}
	if err := forgetDiskHint(ctx, env, vm, diskCID); err != nil {
		return nil, NewCloudError(err, "detach_disk: removing disk '%s' from the registry settings of VM '%s'", diskCID, vmCID)
	}

	switch {
	case !volume.Attached():
		return nil, NewDiskNotAttached(nil, "detach_disk: disk '%s' is not attached to any VM, so not to VM '%s'", diskCID, vmCID)
	case volume.VMID != vm.ID:
		return nil, NewDiskNotAttached(nil, "detach_disk: disk '%s' is attached to VM %s, not to VM '%s'", diskCID, volume.VMID, vmCID)
	}
	env.Log.Info("cpi.Disk", "detaching disk '%s' (device %d) from VM '%s'", diskCID, volume.DeviceID, vmCID)
	if _, err := cloud.Volumes().Detach(ctx, volume.ID, env.Config.CloudStack.Timeout.For("detach_volume")); err != nil {
		return nil, NewCloudError(err, "detach_disk: detaching disk '%s' from VM '%s'", diskCID, vmCID)
	}
	return nil, nil
}
