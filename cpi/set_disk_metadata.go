package cpi

import (
	"context"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// setDiskMetadata tags the disk with the director's metadata (deployment, instance, ...). The director
// calls it after every attach, so tags are upserted: unchanged ones stay, changed ones are replaced.
//
//	set_disk_metadata(disk_cid, metadata)
func setDiskMetadata(ctx context.Context, env *Env, args Args) (any, error) {
	cid := args.String(0)
	var metadata map[string]any
	if err := args.Decode(1, &metadata); err != nil {
		return nil, err
	}
	cloud, volume, err := cloudAndVolume(ctx, env, cid)
	if err != nil {
		return nil, err
	}
	tags := metadataTags(metadata)
	if len(tags) == 0 {
		return nil, nil
	}
	if err := cloud.Tags().Upsert(ctx, cloudstack.ResourceTypeVolume, volume.ID, tags); err != nil {
		return nil, NewCloudError(err, "set_disk_metadata: tagging disk '%s'", cid)
	}
	return nil, nil
}
