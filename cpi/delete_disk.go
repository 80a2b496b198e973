package cpi

import "context"

// deleteDisk removes a detached disk for good.
//
//	delete_disk(disk_cid)
//
// A disk that is already gone is success: the director retries deletes and cleans orphans. An attached
// disk is refused, never force-detached: the director detaches first, so an attached disk here means
// something is still using it.
func deleteDisk(ctx context.Context, env *Env, args Args) (any, error) {
	cid := args.String(0)
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	volume, found, err := findVolume(ctx, cloud, cid)
	if err != nil {
		return nil, NewCloudError(err, "delete_disk")
	}
	if !found {
		env.Log.Info("cpi.Disk", "disk '%s' is already gone", cid)
		return nil, nil
	}
	if volume.Attached() {
		return nil, NewCloudError(nil, "delete_disk: disk '%s' is still attached to VM %s; detach it first", cid, volume.VMID)
	}
	if err := cloud.Volumes().Delete(ctx, volume.ID); err != nil {
		return nil, NewCloudError(err, "delete_disk: deleting disk '%s'", cid)
	}
	env.Log.Info("cpi.Disk", "deleted disk '%s' (%s)", cid, volume.ID)
	return nil, nil
}
