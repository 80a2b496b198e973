package cpi

import (
	"context"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// getDisks lists the persistent disks attached to a VM.
//
//	get_disks(vm_cid) -> [disk_cid, ...]
//
// Only DATADISK volumes count, and of those not the VM's ephemeral disk: create_vm tags it (and the
// data disk deployVirtualMachine makes for it) bosh_ephemeral=true, and the older CPIs named theirs
// cpi-ephemeral-disk-*. A disk of the older CPIs is reported by its name, its CID in the director.
func getDisks(ctx context.Context, env *Env, args Args) (any, error) {
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	vm, err := mustFindVM(ctx, cloud, args.String(0))
	if err != nil {
		return nil, err
	}
	volumes, err := cloud.Volumes().ListByVM(ctx, vm.ID, cloudstack.VolumeTypeDataDisk)
	if err != nil {
		return nil, NewCloudError(err, "get_disks: listing the data disks of VM '%s'", args.String(0))
	}
	cids := []string{} // never null: the director iterates over the result
	for _, volume := range volumes {
		if isEphemeralDisk(volume) {
			continue
		}
		cids = append(cids, diskCIDOf(volume))
	}
	return cids, nil
}

// diskCIDOf is the CID the director knows a volume by: its UUID, or for the older CPIs' disks its name.
func diskCIDOf(volume cloudstack.Volume) string {
	if strings.HasPrefix(volume.Name, legacyDiskPrefix) {
		return volume.Name
	}
	return volume.ID
}
