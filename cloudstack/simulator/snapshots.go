package simulator

import (
	"strings"
)

// Snapshot is a manual volume snapshot. Its size is the volume's when it was taken.
type Snapshot struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	VolumeID   string `json:"volumeid"`
	VolumeName string `json:"volumename"`
	VolumeType string `json:"volumetype"`
	ZoneID     string `json:"zoneid"`
	State      string `json:"state"`
	Size       int64  `json:"size"`
	Created    string `json:"created"`
	Removed    string `json:"removed,omitempty"`
}

// Snapshot states this simulator uses: Allocated while the job runs, BackedUp when done,
// Error when the job failed.
const (
	SnapshotAllocated = "Allocated"
	SnapshotBackedUp  = "BackedUp"
	SnapshotError     = "Error"
	SnapshotDestroyed = "Destroyed"
)

// IsRemoved reports a deleted snapshot.
func (s *Snapshot) IsRemoved() bool { return s.Removed != "" }

// SnapshotTable is the snapshots table.
func SnapshotTable(st *Store) *Table[Snapshot] { return TableOf[Snapshot](st, "snapshots") }

func knownSnapshot(st *Store, id string) bool {
	_, ok := SnapshotTable(st).Get(id)
	return ok
}

func init() {
	RegisterFamily(Family{
		Name: "snapshot",
		Commands: []Command{
			AsyncCreate("createSnapshot", createSnapshot),
			Async("deleteSnapshot", deleteSnapshot),
			Sync("listSnapshots", listSnapshots),
		},
		ResourceTypes: []ResourceType{{Name: "Snapshot", Exists: func(st *Store, id string) bool {
			s, ok := SnapshotTable(st).Get(id)
			return ok && !s.IsRemoved()
		}}},
	})
}

// createSnapshot checks the volume in its create() phase (a volume that is not Ready is an
// HTTP 431) and makes the row; the job, queued behind the volume's VM, backs it up.
func createSnapshot(c *Call) (*Job, error) {
	st := c.Store
	volumeID := c.RequiredID("volumeid", func(id string) bool { return knownVolume(st, id) })
	name := c.String("name")
	if err := c.Err(); err != nil {
		return nil, err
	}
	v, ok := LookupVolume(st, volumeID)
	if !ok {
		return nil, ErrParam("Unable to find volume with ID: %s", volumeID)
	}
	if v.State != VolumeReady {
		return nil, ErrParam("VolumeId: %s is not in %s state but %s. Cannot take snapshot.", v.ID, VolumeReady, v.State)
	}
	if name == "" {
		vmName := "detached"
		if vm, ok := LookupVM(st, v.VMID); ok {
			vmName = vm.DisplayName
		}
		name = vmName + "_" + v.Name + "_" + c.Now.UTC().Format("20060102150405")
	}
	s := &Snapshot{ID: newUUID(), Name: name, VolumeID: v.ID, VolumeName: v.Name, VolumeType: v.Type, ZoneID: v.ZoneID,
		State: SnapshotAllocated, Size: v.Size, Created: FormatTime(c.Now)}
	SnapshotTable(st).Put(s.ID, s)
	id := s.ID
	return &Job{InstanceType: "Snapshot", InstanceID: id, VMID: v.VMID, Complete: func(c *Call) (any, error) {
		s, ok := SnapshotTable(c.Store).Get(id)
		if !ok || s.IsRemoved() {
			return nil, ErrInternal("Failed to create snapshot %s: it was deleted", id)
		}
		s.State = SnapshotBackedUp
		return Object("snapshot", renderSnapshot(c.Store, s)), nil
	}}, nil
}

func deleteSnapshot(c *Call) (*Job, error) {
	id := c.RequiredID("id", func(id string) bool { return knownSnapshot(c.Store, id) })
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &Job{InstanceType: "Snapshot", InstanceID: id, Complete: func(c *Call) (any, error) {
		s, ok := SnapshotTable(c.Store).Get(id)
		if !ok || s.IsRemoved() {
			return nil, ErrParam("unable to find a snapshot with id %s", id)
		}
		s.State, s.Removed = SnapshotDestroyed, FormatTime(c.Now)
		DeleteTagsOf(c.Store, "Snapshot", id)
		return Success(), nil
	}}, nil
}

type snapshotView struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	VolumeID     string    `json:"volumeid"`
	VolumeName   string    `json:"volumename"`
	VolumeType   string    `json:"volumetype"`
	VolumeState  string    `json:"volumestate,omitempty"`
	SnapshotType string    `json:"snapshottype"`
	IntervalType string    `json:"intervaltype"`
	State        string    `json:"state"`
	Created      string    `json:"created"`
	PhysicalSize int64     `json:"physicalsize"`
	VirtualSize  int64     `json:"virtualsize"`
	ZoneID       string    `json:"zoneid"`
	ZoneName     string    `json:"zonename,omitempty"`
	Revertable   bool      `json:"revertable"`
	Account      string    `json:"account"`
	DomainID     string    `json:"domainid"`
	Domain       string    `json:"domain"`
	Tags         []TagView `json:"tags"`
}

func renderSnapshot(st *Store, s *Snapshot) snapshotView {
	v := snapshotView{ID: s.ID, Name: s.Name, VolumeID: s.VolumeID, VolumeName: s.VolumeName, VolumeType: s.VolumeType,
		SnapshotType: "MANUAL", IntervalType: "MANUAL", State: s.State, Created: s.Created, PhysicalSize: s.Size,
		VirtualSize: s.Size, ZoneID: s.ZoneID, Account: st.Account.Account, DomainID: st.Account.DomainID,
		Domain: st.Account.Domain, Tags: TagsFor(st, "Snapshot", s.ID)}
	if vol, ok := LookupVolume(st, s.VolumeID); ok {
		v.VolumeState = vol.State
	}
	if z, ok := ZoneTable(st).Get(s.ZoneID); ok {
		v.ZoneName = z.Name
	}
	return v
}

func listSnapshots(c *Call) (any, error) {
	st := c.Store
	volumeID := c.ID("volumeid", func(id string) bool { return knownVolume(st, id) })
	snapshotType, intervalType := c.String("snapshottype"), c.String("intervaltype")
	if err := c.Err(); err != nil {
		return nil, err
	}
	for id := range failedJobInstances(c, "createSnapshot") {
		if s, ok := SnapshotTable(st).Get(id); ok && s.State == SnapshotAllocated {
			s.State = SnapshotError
		}
	}
	return List(c, SnapshotTable(st).All(), ListSpec[Snapshot]{
		ItemKey: "snapshot",
		ID:      func(s *Snapshot) string { return s.ID },
		Name:    func(s *Snapshot) string { return s.Name },
		Keyword: func(s *Snapshot) []string { return []string{s.Name} },
		ZoneID:  func(s *Snapshot) string { return s.ZoneID },
		TagType: "Snapshot",
		Removed: func(s *Snapshot) bool { return s.IsRemoved() },
		Filter: func(s *Snapshot) bool {
			return (volumeID == "" || s.VolumeID == volumeID) &&
				(snapshotType == "" || strings.EqualFold(snapshotType, "MANUAL")) &&
				(intervalType == "" || strings.EqualFold(intervalType, "MANUAL"))
		},
		Render: func(s *Snapshot) any { return renderSnapshot(st, s) },
	})
}
