package cpi

import (
	"context"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// attachDisk attaches a disk to a VM and says where the agent finds it.
//
//	attach_disk(vm_cid, disk_cid) -> disk hint (CPI API v2+), null (v1)
//
// The hint comes from the deviceid CloudStack gave the volume and the VM's hypervisor. In registry mode
// it also goes into the VM's registry settings, where old agents look. A disk already attached to this
// VM answers the same hint again, so a retried attach (after a timeout, or a registry failure) repairs
// rather than fails.
func attachDisk(ctx context.Context, env *Env, args Args) (any, error) {
	vmCID, diskCID := args.String(0), args.String(1)
	cloud, vm, err := cloudAndVM(ctx, env, vmCID)
	if err != nil {
		return nil, err
	}
	volume, err := mustFindVolume(ctx, cloud, diskCID)
	if err != nil {
		return nil, err
	}

	if volume.Type == cloudstack.VolumeTypeRoot {
		return nil, NewCloudError(nil, "attach_disk: disk '%s' is a ROOT volume, not a data disk", diskCID)
	}
	switch {
	case volume.VMID == vm.ID:
		env.Log.Info("cpi.Disk", "disk '%s' is already attached to VM '%s' as device %d", diskCID, vmCID, volume.DeviceID)
	case volume.Attached():
		return nil, NewCloudError(nil, "attach_disk: disk '%s' is attached to another VM (%s); it must be detached from there first",
			diskCID, volume.VMID)
	default:
		env.Log.Info("cpi.Disk", "attaching disk '%s' to VM '%s'", diskCID, vmCID)
		volume, err = cloud.Volumes().Attach(ctx, volume.ID, vm.ID, env.Config.CloudStack.Timeout.For("attach_volume"))
		if err != nil {
			return nil, attachError(err, vmCID, diskCID, vm)
		}
		if !onDataDevice(volume, vm) {
			// The job's answer lacks where the disk went: ask again rather than hand out a wrong hint.
			if volume, err = mustFindVolume(ctx, cloud, volume.ID); err != nil {
				return nil, err
			}
		}
	}
	if !onDataDevice(volume, vm) {
		// deviceid 0 is the root disk: a hint to it would have the agent format the system disk.
		return nil, NewCloudError(nil, "attach_disk: CloudStack does not report disk '%s' on a data device of VM '%s' "+
			"(virtual machine %q, device %d)", diskCID, vmCID, volume.VMID, volume.DeviceID)
	}

	hint := registry.HintFor(volume.DeviceID, vm.Hypervisor, volume.ID)
	env.Log.Info("cpi.Disk", "disk '%s' is device %d of VM '%s' (%s): %s", diskCID, volume.DeviceID, vmCID, vm.Hypervisor, hint.Path)
	if err := recordDiskHint(ctx, env, vm, diskCID, hint); err != nil {
		return nil, NewCloudError(err, "attach_disk: disk '%s' is attached to VM '%s' as %s, but recording that in the registry failed "+
			"(attach_disk may be retried)", diskCID, vmCID, hint.Path)
	}
	if env.Call.APIVersion < 2 {
		return nil, nil
	}
	return hint, nil
}

// onDataDevice reports a volume attached to vm at a data disk's device id (not ROOT's 0, not the
// CD-ROM's 3).
func onDataDevice(volume cloudstack.Volume, vm cloudstack.VM) bool {
	return volume.VMID == vm.ID && volume.DeviceID > 0 && volume.DeviceID != 3
}

// attachError explains CloudStack's refusals that an operator can act on.
func attachError(err error, vmCID, diskCID string, vm cloudstack.VM) error {
	if strings.Contains(strings.ToLower(err.Error()), "maximum number of data disks") {
		return NewCloudError(err, "attach_disk: VM '%s' already has as many data disks as CloudStack allows on %s; "+
			"detach one or give the instance fewer disks", vmCID, orUnknown(vm.Hypervisor))
	}
	return NewCloudError(err, "attach_disk: attaching disk '%s' to VM '%s'", diskCID, vmCID)
}

func orUnknown(s string) string {
	if s == "" {
		return "its hypervisor"
	}
	return s
}
