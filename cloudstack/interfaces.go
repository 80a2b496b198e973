package cloudstack

import (
	"context"
	"time"
)

//go:generate go tool counterfeiter -generate

// Each interface covers one kind of CloudStack resource, takes and returns
// this package's own structs, and reports "not found" as (x, false, nil).
// Methods that find by "nameOrID" accept a uuid or an exact name.

//counterfeiter:generate . Zones
type Zones interface {
	Find(ctx context.Context, nameOrID string) (Zone, bool, error)
	List(ctx context.Context) ([]Zone, error)
}

//counterfeiter:generate . OSTypes
type OSTypes interface {
	// FindByDescription matches the description exactly (CloudStack's own
	// filter is a substring match); a uuid is looked up by id.
	FindByDescription(ctx context.Context, descriptionOrID string) (OSType, bool, error)
}

//counterfeiter:generate . Offerings
type Offerings interface {
	// zoneID "" means offerings of every zone.
	FindService(ctx context.Context, nameOrID, zoneID string) (ServiceOffering, bool, error)
	ListService(ctx context.Context, zoneID string) ([]ServiceOffering, error)
	FindDisk(ctx context.Context, nameOrID, zoneID string) (DiskOffering, bool, error)
	ListDisk(ctx context.Context, zoneID string) ([]DiskOffering, error)
}

//counterfeiter:generate . Templates
type Templates interface {
	// Get returns the template's row for one zone.
	Get(ctx context.Context, id, zoneID string) (Template, bool, error)
	FindByName(ctx context.Context, name, zoneID string) (Template, bool, error)
	// ListInZones returns one row per zone that holds the template.
	ListInZones(ctx context.Context, id string) ([]Template, error)
	// GetUploadParams creates an empty template and returns the ticket for
	// uploading its image to the secondary storage VM.
	GetUploadParams(ctx context.Context, spec UploadSpec) (UploadParams, error)
	// Register creates a template that CloudStack downloads from spec.URL.
	Register(ctx context.Context, spec RegisterSpec) (Template, error)
	Copy(ctx context.Context, id, srcZoneID, dstZoneID string, timeout time.Duration) error
	// Delete removes the template (only from zoneID unless ""); a template
	// that is already gone counts as deleted.
	Delete(ctx context.Context, id, zoneID string, forced bool, timeout time.Duration) error
}

//counterfeiter:generate . Tags
type Tags interface {
	// Upsert makes the resource carry tags: unchanged keys are left alone,
	// changed ones replaced, empty values skipped, values cut to 255 characters.
	Upsert(ctx context.Context, resourceType, resourceID string, tags map[string]string) error
	// Create tags a resource the caller has just made and which carries no
	// tag yet (CloudStack refuses a key the resource already has), with one
	// createTags and no listTags; empty values are skipped and long ones cut
	// as by Upsert.
	Create(ctx context.Context, resourceType, resourceID string, tags map[string]string) error
	// Delete removes those of keys the resource carries.
	Delete(ctx context.Context, resourceType, resourceID string, keys []string) error
	List(ctx context.Context, resourceType, resourceID string) (map[string]string, error)
}

//counterfeiter:generate . Jobs
type Jobs interface {
	// Wait polls an async job until it ends or timeout passes. A failed job is
	// a *JobError, a wait that ran out a *TimeoutError. result, if not nil,
	// receives the object inside the job's result.
	Wait(ctx context.Context, operation, jobID string, timeout time.Duration, result any) error
}

var (
	_ Zones     = (*zoneService)(nil)
	_ OSTypes   = (*osTypeService)(nil)
	_ Offerings = (*offeringService)(nil)
	_ Templates = (*templateService)(nil)
	_ Tags      = (*tagService)(nil)
	_ Jobs      = (*jobPoller)(nil)
)
