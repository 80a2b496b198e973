package cpi

import "context"

// hasDisk reports whether the disk exists; a deleted or expunging one does not.
//
//	has_disk(disk_cid)
func hasDisk(ctx context.Context, env *Env, args Args) (any, error) {
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	_, found, err := findVolume(ctx, cloud, args.String(0))
	if err != nil {
		return nil, NewCloudError(err, "has_disk")
	}
	return found, nil
}
