package cloudstack

import (
	"context"
	"time"
)

// The compute interfaces: VMs, their networks, volumes and snapshots. They
// follow interfaces.go's rules: this package's structs, "not found" as
// (x, false, nil), exact name matching.
//
// Create-type commands (deploy, createVolume, createSnapshot) hand out the new
// resource's id before their job ends. When the job then fails, times out or
// is abandoned, the error is a *CreateError carrying that id, so the caller can
// remove what CloudStack made; IsCapacity and IsTransient see through it.

//counterfeiter:generate . VMs
type VMs interface {
	// Deploy creates a VM and waits for its deploy job. A failure of the call
	// itself (CloudStack's create phase: bad parameters, a taken address) leaves
	// nothing behind; a failure after it is a *CreateError with the VM's id. If
	// even the call's answer was lost, the VM can be found by spec.Name.
	Deploy(ctx context.Context, spec DeploySpec, timeout time.Duration) (VM, error)
	// Get returns a VM that is not expunged, Destroyed ones included (see VM.Gone).
	Get(ctx context.Context, id string) (VM, bool, error)
	// FindByName matches the host name exactly among the VMs that are not
	// expunged; two matches are an *AmbiguousError.
	FindByName(ctx context.Context, name string) (VM, bool, error)
	// Destroy destroys the VM, and expunges it when expunge is set (a VM in
	// Error is always expunged). A VM that is already gone counts as destroyed.
	// Data disks stay attached to a Destroyed VM and are detached, not deleted,
	// when it is expunged, except deleteVolumeIDs: data disks attached to the
	// VM that CloudStack deletes in the same job (volumeids), so that they
	// cannot outlive it whatever happens to the caller.
	Destroy(ctx context.Context, id string, expunge bool, timeout time.Duration, deleteVolumeIDs ...string) error
	// Expunge removes a Destroyed (or Error) VM now; an expunged one counts as done.
	Expunge(ctx context.Context, id string, timeout time.Duration) error
	Reboot(ctx context.Context, id string, timeout time.Duration) error
	Start(ctx context.Context, id string, timeout time.Duration) error
	// Stop stops a running VM; a stopped one stays stopped without error.
	Stop(ctx context.Context, id string, forced bool, timeout time.Duration) error
	SetDisplayName(ctx context.Context, id, displayName string) error
}

//counterfeiter:generate . Networks
type Networks interface {
	// Find looks a guest network up by uuid or exact name; zoneID "" means any zone.
	Find(ctx context.Context, nameOrID, zoneID string) (Network, bool, error)
}

//counterfeiter:generate . Volumes
type Volumes interface {
	// Create makes a DATADISK (attached to spec.VMID when given). A failure
	// after CloudStack allocated it is a *CreateError with the volume's id.
	Create(ctx context.Context, spec VolumeSpec, timeout time.Duration) (Volume, error)
	// Get returns a volume that is not deleted (see Volume.Gone).
	Get(ctx context.Context, id string) (Volume, bool, error)
	// FindByName matches exactly; volume names may repeat, so two matches are an *AmbiguousError.
	FindByName(ctx context.Context, name string) (Volume, bool, error)
	// ListByVM returns the volumes attached to a VM, by device id; volumeType
	// is "ROOT", "DATADISK" or "" for both. An unknown VM has none.
	ListByVM(ctx context.Context, vmID, volumeType string) ([]Volume, error)
	// Attach attaches a volume to a VM; the result carries the device id
	// CloudStack chose (1, 2, 4, 5...: 0 is ROOT, 3 the CD-ROM).
	Attach(ctx context.Context, volumeID, vmID string, timeout time.Duration) (Volume, error)
	// Detach detaches a volume from whichever VM holds it. A volume that is
	// not attached is CloudStack's error, which the caller may check for first.
	Detach(ctx context.Context, volumeID string, timeout time.Duration) (Volume, error)
	// Delete removes a detached volume for good. One that is already gone
	// counts as deleted; an attached one is CloudStack's *APIError (431).
	Delete(ctx context.Context, id string) error
	// Resize changes the size (GiB, for customized offerings; 0 keeps it)
	// and/or the disk offering ("" keeps it). A shrink fails unless shrinkOK.
	Resize(ctx context.Context, id string, sizeGiB int64, diskOfferingID string, shrinkOK bool, timeout time.Duration) (Volume, error)
}

//counterfeiter:generate . Snapshots
type Snapshots interface {
	// Create snapshots a Ready volume. A failure after CloudStack allocated
	// the snapshot is a *CreateError with the snapshot's id.
	Create(ctx context.Context, volumeID string, timeout time.Duration) (Snapshot, error)
	Get(ctx context.Context, id string) (Snapshot, bool, error)
	// Delete removes a snapshot; one that is already gone counts as deleted.
	Delete(ctx context.Context, id string, timeout time.Duration) error
}

var (
	_ VMs       = (*vmService)(nil)
	_ Networks  = (*networkService)(nil)
	_ Volumes   = (*volumeService)(nil)
	_ Snapshots = (*snapshotService)(nil)
)
