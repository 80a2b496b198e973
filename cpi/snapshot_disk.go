package cpi

import (
	"context"
	"errors"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// snapshotDisk takes a snapshot of a disk and returns its UUID.
//
//	snapshot_disk(disk_cid, metadata) -> snapshot_cid
//
// Any disk can be snapshotted, persistent ones above all (the older CPI refused exactly those). The
// snapshot is tagged with the metadata (deployment, job, index, ... as strings) and this CPI's own tags;
// a snapshot that cannot be finished or tagged is deleted again.
func snapshotDisk(ctx context.Context, env *Env, args Args) (any, error) {
	const method = "snapshot_disk"
	cid := args.String(0)
	var metadata map[string]any
	if err := args.Decode(1, &metadata); err != nil {
		return nil, err
	}
	cloud, volume, err := cloudAndVolume(ctx, env, cid)
	if err != nil {
		return nil, err
	}
	if volume.State == "Allocated" {
		return nil, NewCloudError(nil, "%s: disk '%s' has never been attached to a running VM, so CloudStack has not created "+
			"it on storage yet (state Allocated): there is nothing to snapshot", method, cid)
	}

	timeout := env.Config.CloudStack.Timeout.For("snapshot_volume")
	env.Log.Info("cpi.Disk", "snapshotting disk '%s'", cid)
	snapshot, err := cloud.Snapshots().Create(ctx, volume.ID, timeout)
	if err != nil {
		var created *cloudstack.CreateError
		if errors.As(err, &created) {
			removeFailedSnapshot(ctx, env, cloud, created.ID)
		}
		return nil, NewCloudError(err, "%s: snapshotting disk '%s'", method, cid)
	}

	tags := metadataTags(metadata)
	for key, value := range ownershipTags(env) {
		if _, given := tags[key]; !given {
			tags[key] = value
		}
	}
	tags[tagManaged] = "true"
	if err := cloud.Tags().Create(ctx, cloudstack.ResourceTypeSnapshot, snapshot.ID, tags); err != nil {
		removeFailedSnapshot(ctx, env, cloud, snapshot.ID)
		return nil, NewCloudError(err, "%s: tagging snapshot %s of disk '%s'", method, snapshot.ID, cid)
	}
	env.Log.Info("cpi.Disk", "snapshot %s of disk '%s' is done", snapshot.ID, cid)
	return snapshot.ID, nil
}

// removeFailedSnapshot deletes what a failed snapshot_disk left; its own failure is only logged.
func removeFailedSnapshot(ctx context.Context, env *Env, cloud Cloud, snapshotID string) {
	if snapshotID == "" {
		return
	}
	if err := cloud.Snapshots().Delete(ctx, snapshotID, env.Config.CloudStack.Timeout.For("delete_snapshot_volume")); err != nil {
		env.Log.Error("cpi.Disk", "could not remove snapshot %s after the failed snapshot_disk; remove it by hand: %s", snapshotID, err)
		return
	}
	env.Log.Info("cpi.Disk", "removed snapshot %s after the failed snapshot_disk", snapshotID)
}
