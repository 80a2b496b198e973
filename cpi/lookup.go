package cpi

import (
	"context"
	"fmt"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// CIDs are CloudStack UUIDs. The older CloudStack CPIs used names (cpivm-..., cpi-disk-...) as CIDs; those
// are looked up by name so that deployments made with them keep working after the switch.

// findVM resolves a VM CID. A VM that is Destroyed or Expunging counts as gone (found is false): BOSH
// must treat it as deleted. A VM in Error still exists: it holds addresses until delete_vm removes it.
func findVM(ctx context.Context, cloud Cloud, cid string) (vm cloudstack.VM, found bool, err error) {
	if cloudstack.IsID(cid) {
		vm, found, err = cloud.VMs().Get(ctx, cid)
	} else {
		vm, found, err = cloud.VMs().FindByName(ctx, cid)
	}
	if err != nil {
		return cloudstack.VM{}, false, fmt.Errorf("looking up VM '%s': %w", cid, err)
	}
	if !found || vm.Gone() {
		return cloudstack.VM{}, false, nil
	}
	return vm, true, nil
}

// mustFindVM is findVM for methods that need the VM: a missing one is VMNotFound.
func mustFindVM(ctx context.Context, cloud Cloud, cid string) (cloudstack.VM, error) {
	vm, found, err := findVM(ctx, cloud, cid)
	if err != nil {
		return cloudstack.VM{}, NewCloudError(err, "")
	}
	if !found {
		return cloudstack.VM{}, NewVMNotFound(nil, "VM '%s' not found in CloudStack", cid)
	}
	return vm, nil
}

// findVolume resolves a disk CID the same way; a deleted or expunging volume is gone.
func findVolume(ctx context.Context, cloud Cloud, cid string) (vol cloudstack.Volume, found bool, err error) {
	if cloudstack.IsID(cid) {
		vol, found, err = cloud.Volumes().Get(ctx, cid)
	} else {
		vol, found, err = cloud.Volumes().FindByName(ctx, cid)
	}
	if err != nil {
		return cloudstack.Volume{}, false, fmt.Errorf("looking up disk '%s': %w", cid, err)
	}
	if !found || vol.Gone() {
		return cloudstack.Volume{}, false, nil
	}
	return vol, true, nil
}

// mustFindVolume is findVolume for methods that need the disk: a missing one is DiskNotFound.
func mustFindVolume(ctx context.Context, cloud Cloud, cid string) (cloudstack.Volume, error) {
	vol, found, err := findVolume(ctx, cloud, cid)
	if err != nil {
		return cloudstack.Volume{}, NewCloudError(err, "")
	}
	if !found {
		return cloudstack.Volume{}, NewDiskNotFound(nil, "disk '%s' not found in CloudStack", cid)
	}
	return vol, nil
}

// cloudAndVolume is the start of every method on one disk: the client, and the disk or DiskNotFound.
func cloudAndVolume(ctx context.Context, env *Env, cid string) (Cloud, cloudstack.Volume, error) {
	cloud, err := env.Cloud()
	if err != nil {
		return nil, cloudstack.Volume{}, err
	}
	vol, err := mustFindVolume(ctx, cloud, cid)
	return cloud, vol, err
}

// cloudAndVM is the start of every method on one VM: the client, and the VM or VMNotFound.
func cloudAndVM(ctx context.Context, env *Env, cid string) (Cloud, cloudstack.VM, error) {
	cloud, err := env.Cloud()
	if err != nil {
		return nil, cloudstack.VM{}, err
	}
	vm, err := mustFindVM(ctx, cloud, cid)
	return cloud, vm, err
}
