package cloudstack

import (
	"context"
	"fmt"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// Snapshot is a manual volume snapshot.
type Snapshot struct {
	ID       string
	Name     string
	VolumeID string
	ZoneID   string
	// State: "BackedUp" when done; "Allocated", "Creating", "CreatedOnPrimary",
	// "BackingUp" on the way; "Error" when it failed.
	State string
	Tags  map[string]string
}

type snapshotService struct{ c *Client }

// Snapshots hands out the snapshot operations.
func (c *Client) Snapshots() Snapshots { return &snapshotService{c: c} }

func (s *snapshotService) Create(ctx context.Context, volumeID string, timeout time.Duration) (Snapshot, error) {
	if !IsID(volumeID) {
		return Snapshot{}, fmt.Errorf("volume id %q is not a CloudStack uuid", volumeID)
	}
	api := s.c.api(ctx)
	var result csapi.Snapshot
	id, err := s.c.runCreateJob(ctx, "createSnapshot", "snapshot", timeout, func() (string, string, error) {
		r, err := api.Snapshot.CreateSnapshot(api.Snapshot.NewCreateSnapshotParams(volumeID))
		if err != nil {
			return "", "", err
		}
		return r.Id, r.JobID, nil
	}, &result)
	if err != nil {
		return Snapshot{}, err
	}
	if result.Id == "" {
		return s.reread(ctx, id)
	}
	return convertSnapshot(&result), nil
}

// reread fetches a snapshot whose job succeeded without reporting it.
func (s *snapshotService) reread(ctx context.Context, id string) (Snapshot, error) {
	if !IsID(id) {
		return Snapshot{}, fmt.Errorf("CloudStack job createSnapshot succeeded without reporting the snapshot")
	}
	snapshot, found, err := s.Get(ctx, id)
	switch {
	case err != nil:
		return Snapshot{}, err
	case !found:
		return Snapshot{}, fmt.Errorf("CloudStack job createSnapshot succeeded but snapshot %s does not exist", id)
	}
	return snapshot, nil
}

func (s *snapshotService) Get(ctx context.Context, id string) (Snapshot, bool, error) {
	if !IsID(id) {
		return Snapshot{}, false, fmt.Errorf("snapshot id %q is not a CloudStack uuid", id)
	}
	api := s.c.api(ctx)
	rows, err := notFoundIsAbsent(listAllPages(ctx, "listSnapshots", func(page, size int) ([]Snapshot, int, error) {
		p := api.Snapshot.NewListSnapshotsParams()
		p.SetId(id)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.Snapshot.ListSnapshots(p)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]Snapshot, 0, len(r.Snapshots))
		for _, snapshot := range r.Snapshots {
			rows = append(rows, convertSnapshot(snapshot))
		}
		return rows, r.Count, nil
	}))
	if err != nil {
		return Snapshot{}, false, err
	}
	for _, snapshot := range rows {
		if snapshot.ID == id {
			return snapshot, true, nil
		}
	}
	return Snapshot{}, false, nil
}

func (s *snapshotService) Delete(ctx context.Context, id string, timeout time.Duration) error {
	if !IsID(id) {
		return fmt.Errorf("snapshot id %q is not a CloudStack uuid", id)
	}
	api := s.c.api(ctx)
	err := s.c.runJob(ctx, "deleteSnapshot", timeout, func() (string, error) {
		r, err := api.Snapshot.DeleteSnapshot(api.Snapshot.NewDeleteSnapshotParams(id))
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
	if IsNotFound(err) {
		s.c.opts.Logger.Debug(logTag, "Snapshot %s is already gone: %v", id, err)
		return nil
	}
	return err
}

func convertSnapshot(in *csapi.Snapshot) Snapshot {
	return Snapshot{ID: in.Id, Name: in.Name, VolumeID: in.Volumeid, ZoneID: in.Zoneid, State: in.State, Tags: tagMap(in.Tags)}
}
