package cloudstack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// Volume types.
const (
	VolumeTypeRoot     = "ROOT"
	VolumeTypeDataDisk = "DATADISK"
)

// Volume is a disk as listVolumes shows it.
type Volume struct {
	ID     string
	Name   string
	ZoneID string
	Type   string // ROOT or DATADISK
	// State: "Allocated" (no storage yet: never attached to a running VM),
	// "Ready", "Resizing", "Destroy" (a destroyed VM's ROOT disk)...
	State     string
	SizeBytes int64
	// VMID and DeviceID say where the volume is attached; VMID is "" when it
	// is not (DeviceID is then meaningless). DeviceID 0 is ROOT, 3 the CD-ROM.
	VMID           string
	DeviceID       int64
	DiskOfferingID string
	Tags           map[string]string
}

// Attached reports whether the volume is attached to a VM.
func (v Volume) Attached() bool { return v.VMID != "" }

// Gone reports a volume on its way out (destroyed, waiting to be expunged):
// for BOSH it no longer exists.
func (v Volume) Gone() bool {
	switch v.State {
	case "Destroy", "Destroying", "Expunging", "Expunged":
		return true
	}
	return false
}

// VolumeSpec describes a DATADISK to create.
type VolumeSpec struct {
	Name           string // optional; CloudStack names need not be unique
	ZoneID         string // required unless VMID is given
	DiskOfferingID string
	SizeGiB        int64  // for a customized offering; 0 for a fixed one
	VMID           string // attach to this VM in the same job
}

type volumeService struct{ c *Client }

// Volumes hands out the volume operations.
func (c *Client) Volumes() Volumes { return &volumeService{c: c} }

func (s *volumeService) Get(ctx context.Context, id string) (Volume, bool, error) {
	if !IsID(id) {
		return Volume{}, false, fmt.Errorf("volume id %q is not a CloudStack uuid", id)
	}
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListVolumesParams) { p.SetId(id) }))
	if err != nil {
		return Volume{}, false, err
	}
	for _, v := range rows {
		if v.ID == id {
			return v, true, nil
		}
	}
	return Volume{}, false, nil
}

func (s *volumeService) FindByName(ctx context.Context, name string) (Volume, bool, error) {
	if name == "" {
		return Volume{}, false, errors.New("looking up a volume: the name is empty")
	}
	rows, err := s.list(ctx, func(p *csapi.ListVolumesParams) { p.SetName(name) })
	if err != nil {
		return Volume{}, false, err
	}
	// Compared by name even when it looks like a uuid (unlike pickOne).
	rows = slices.DeleteFunc(rows, func(v Volume) bool { return v.Name != name })
	switch len(rows) {
	case 0:
		return Volume{}, false, nil
	case 1:
		return rows[0], true, nil
	default:
		ids := make([]string, 0, len(rows))
		for _, v := range rows {
			ids = append(ids, v.ID)
		}
		return Volume{}, false, &AmbiguousError{Kind: "volume", Name: name, IDs: ids}
	}
}

func (s *volumeService) ListByVM(ctx context.Context, vmID, volumeType string) ([]Volume, error) {
	if !IsID(vmID) {
		return nil, fmt.Errorf("VM id %q is not a CloudStack uuid", vmID)
	}
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListVolumesParams) {
		p.SetVirtualmachineid(vmID)
		setIfNotEmpty(volumeType, p.SetType)
	}))
	if err != nil {
		return nil, err
	}
	rows = slices.DeleteFunc(rows, func(v Volume) bool {
		return v.VMID != vmID || (volumeType != "" && !strings.EqualFold(v.Type, volumeType))
	})
	slices.SortStableFunc(rows, func(a, b Volume) int { return cmp.Compare(a.DeviceID, b.DeviceID) })
	return rows, nil
}

func (s *volumeService) list(ctx context.Context, filter func(*csapi.ListVolumesParams)) ([]Volume, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listVolumes", func(page, size int) ([]Volume, int, error) {
		p := api.Volume.NewListVolumesParams()
		filter(p)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.Volume.ListVolumes(p)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]Volume, 0, len(r.Volumes))
		for _, v := range r.Volumes {
			rows = append(rows, convertVolume(v))
		}
		return rows, r.Count, nil
	})
}

// convertVolume reads listVolumes rows and job results alike.
func convertVolume(in *csapi.Volume) Volume {
	v := Volume{
		ID: in.Id, Name: in.Name, ZoneID: in.Zoneid, Type: in.Type, State: in.State, SizeBytes: in.Size,
		VMID: in.Virtualmachineid, DiskOfferingID: in.Diskofferingid, Tags: tagMap(in.Tags),
	}
	if v.VMID != "" {
		v.DeviceID = in.Deviceid
	}
	return v
}

func (s *volumeService) Create(ctx context.Context, spec VolumeSpec, timeout time.Duration) (Volume, error) {
	if err := spec.validate(); err != nil {
		return Volume{}, err
	}
	api := s.c.api(ctx)
	var result csapi.Volume
	id, err := s.c.runCreateJob(ctx, "createVolume", "volume", timeout, func() (string, string, error) {
		p := api.Volume.NewCreateVolumeParams()
		setIfNotEmpty(spec.Name, p.SetName)
		setIfNotEmpty(spec.ZoneID, p.SetZoneid)
		p.SetDiskofferingid(spec.DiskOfferingID)
		if spec.SizeGiB > 0 {
			p.SetSize(spec.SizeGiB)
		}
		setIfNotEmpty(spec.VMID, p.SetVirtualmachineid)
		r, err := api.Volume.CreateVolume(p)
		if err != nil {
			return "", "", err
		}
		return r.Id, r.JobID, nil
	}, &result)
	if err != nil {
		return Volume{}, err
	}
	if result.Id == "" {
		return s.reread(ctx, id)
	}
	return convertVolume(&result), nil
}

// reread fetches a volume whose create job succeeded without reporting it.
func (s *volumeService) reread(ctx context.Context, id string) (Volume, error) {
	if !IsID(id) {
		return Volume{}, fmt.Errorf("CloudStack job createVolume succeeded without reporting the volume")
	}
	v, found, err := s.Get(ctx, id)
	switch {
	case err != nil:
		return Volume{}, err
	case !found:
		return Volume{}, fmt.Errorf("CloudStack job createVolume succeeded but volume %s does not exist", id)
	}
	return v, nil
}

func (spec VolumeSpec) validate() error {
	fail := func(what string) error { return fmt.Errorf("creating volume %q: %s", spec.Name, what) }
	switch {
	case spec.DiskOfferingID == "":
		return fail("the disk offering id is required")
	case spec.ZoneID == "" && spec.VMID == "":
		return fail("a zone id or a VM id is required")
	case spec.SizeGiB < 0:
		return fail(fmt.Sprintf("the size must not be negative, got %d GiB", spec.SizeGiB))
	}
	return nil
}

func (s *volumeService) Delete(ctx context.Context, id string) error {
	if !IsID(id) {
		return fmt.Errorf("volume id %q is not a CloudStack uuid", id)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("CloudStack API deleteVolume not called: %w", err)
	}
	api := s.c.api(ctx)
	r, err := api.Volume.DeleteVolume(api.Volume.NewDeleteVolumeParams(id))
	if err != nil {
		err = wrapError("deleteVolume", err)
		if IsNotFound(err) {
			s.c.opts.Logger.Debug(logTag, "Volume %s is already gone: %v", id, err)
			return nil
		}
		return err
	}
	if !r.Success {
		return fmt.Errorf("CloudStack API deleteVolume did not delete volume %s: %s", id, orText(r.Displaytext, "it gave no reason"))
	}
	return nil
}

func orText(text, fallback string) string {
	if text == "" {
		return fallback
	}
	return text
}
