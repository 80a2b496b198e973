package cpi

import (
	"context"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// deleteSnapshot removes a snapshot; one that is already gone is success (the director retries and
// cleans orphans).
//
//	delete_snapshot(snapshot_cid)
func deleteSnapshot(ctx context.Context, env *Env, args Args) (any, error) {
	cid := args.String(0)
	if !cloudstack.IsID(cid) {
		// Snapshot CIDs are CloudStack UUIDs (the older CPIs' too): anything else names no snapshot.
		env.Log.Warn("cpi.Disk", "snapshot '%s' is not a CloudStack UUID, so there is no such snapshot to delete", cid)
		return nil, nil
	}
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	if err := cloud.Snapshots().Delete(ctx, cid, env.Config.CloudStack.Timeout.For("delete_snapshot_volume")); err != nil {
		return nil, NewCloudError(err, "delete_snapshot: deleting snapshot '%s'", cid)
	}
	env.Log.Info("cpi.Disk", "deleted snapshot '%s' (or it was already gone)", cid)
	return nil, nil
}
