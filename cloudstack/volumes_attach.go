package cloudstack

import (
	"context"
	"fmt"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// The volume operations that run as async jobs on a VM's queue: attach,
// detach, resize. CloudStack checks their rules inside the job, so refusals
// are *JobErrors (mostly 431).

func (s *volumeService) Attach(ctx context.Context, volumeID, vmID string, timeout time.Duration) (Volume, error) {
	if !IsID(volumeID) || !IsID(vmID) {
		return Volume{}, fmt.Errorf("attaching volume %q to VM %q: both must be CloudStack uuids", volumeID, vmID)
	}
	return s.volumeJob(ctx, "attachVolume", timeout, func(api *csapi.CloudStackClient) (string, error) {
		r, err := api.Volume.AttachVolume(api.Volume.NewAttachVolumeParams(volumeID, vmID))
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	})
}

func (s *volumeService) Detach(ctx context.Context, volumeID string, timeout time.Duration) (Volume, error) {
	if !IsID(volumeID) {
		return Volume{}, fmt.Errorf("volume id %q is not a CloudStack uuid", volumeID)
	}
	return s.volumeJob(ctx, "detachVolume", timeout, func(api *csapi.CloudStackClient) (string, error) {
		p := api.Volume.NewDetachVolumeParams()
		p.SetId(volumeID)
		r, err := api.Volume.DetachVolume(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	})
}

func (s *volumeService) Resize(ctx context.Context, id string, sizeGiB int64, diskOfferingID string, shrinkOK bool, timeout time.Duration) (Volume, error) {
	if !IsID(id) {
		return Volume{}, fmt.Errorf("volume id %q is not a CloudStack uuid", id)
	}
	if sizeGiB < 0 {
		return Volume{}, fmt.Errorf("resizing volume %s: the size must not be negative, got %d GiB", id, sizeGiB)
	}
	if sizeGiB == 0 && diskOfferingID == "" {
		return Volume{}, fmt.Errorf("resizing volume %s: give a new size or a new disk offering", id)
	}
	return s.volumeJob(ctx, "resizeVolume", timeout, func(api *csapi.CloudStackClient) (string, error) {
		p := api.Volume.NewResizeVolumeParams(id)
		if sizeGiB > 0 {
			p.SetSize(sizeGiB)
		}
		setIfNotEmpty(diskOfferingID, p.SetDiskofferingid)
		if shrinkOK {
			p.SetShrinkok(true)
		}
		r, err := api.Volume.ResizeVolume(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	})
}

// volumeJob runs an async volume command and returns the volume its job reports.
func (s *volumeService) volumeJob(ctx context.Context, command string, timeout time.Duration, start func(*csapi.CloudStackClient) (string, error)) (Volume, error) {
	api := s.c.api(ctx)
	var result csapi.Volume
	if err := s.c.runJob(ctx, command, timeout, func() (string, error) { return start(api) }, &result); err != nil {
		return Volume{}, err
	}
	if result.Id == "" {
		return Volume{}, fmt.Errorf("CloudStack job %s succeeded without reporting the volume", command)
	}
	return convertVolume(&result), nil
}
