package cpi

import (
	"context"
	"errors"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// A resize or offering change that CloudStack cannot do in place is NotSupported: the director then
// creates a new disk, copies the data and deletes the old one, which always works. Only errors that
// would stop that fallback too (CloudStack unreachable, a wait that ran out) stay CloudErrors.

// resizeVolumeInPlace calls resizeVolume and maps CloudStack's refusal of the parameters (431: the
// offering's storage does not suit the volume, the size is beyond the allowed range, ...) to
// NotSupported.
func resizeVolumeInPlace(ctx context.Context, env *Env, cloud Cloud, method, cid string, volume cloudstack.Volume,
	sizeGiB int64, offeringID string) error {
	_, err := cloud.Volumes().Resize(ctx, volume.ID, sizeGiB, offeringID, false, env.Config.CloudStack.Timeout.For("resize_volume"))
	if err == nil {
		return nil
	}
	if refusedParameters(err) {
		return NewNotSupported(err, "%s: CloudStack cannot change disk '%s' in place", method, cid)
	}
	return NewCloudError(err, "%s: resizing disk '%s'", method, cid)
}

// refusedParameters reports CloudStack's InvalidParameterValue (431), from the call or from its job.
func refusedParameters(err error) bool {
	var apiErr *cloudstack.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPCode == 431 && !cloudstack.IsNotFound(err)
	}
	var jobErr *cloudstack.JobError
	if errors.As(err, &jobErr) {
		return jobErr.Code == 431 && !cloudstack.IsNotFound(err)
	}
	return false
}

// shrinkRefused is the answer to a smaller size: CloudStack can shrink only with shrinkok, which may
// cut off a filesystem's data, so the director's copy does it instead.
func shrinkRefused(method, cid string, volume cloudstack.Volume, sizeMiB int64) error {
	return NewNotSupported(nil, "%s: disk '%s' is %s; shrinking it to %s is not supported in place",
		method, cid, describeMiB(volume.SizeBytes/bytesMiB), describeMiB(sizeMiB))
}

// currentDiskOffering returns the volume's offering; found is false when it no longer exists (an
// operator deleted it), which makes the volume's size fixed as far as the CPI can tell.
func currentDiskOffering(ctx context.Context, cloud Cloud, method, cid string, volume cloudstack.Volume) (cloudstack.DiskOffering, bool, error) {
	if volume.DiskOfferingID == "" {
		return cloudstack.DiskOffering{}, false, nil
	}
	offering, found, err := cloud.Offerings().FindDisk(ctx, volume.DiskOfferingID, volume.ZoneID)
	if err != nil {
		return cloudstack.DiskOffering{}, false, NewCloudError(err, "%s: looking up the disk offering of disk '%s'", method, cid)
	}
	return offering, found, nil
}

// sameStorageType is false for offerings that put disks on different kinds of primary storage (shared
// and local), between which resizeVolume cannot move a volume.
func sameStorageType(a, b cloudstack.DiskOffering) bool {
	return a.StorageType == "" || b.StorageType == "" || a.StorageType == b.StorageType
}
