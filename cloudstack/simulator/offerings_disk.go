package simulator

import (
	"fmt"
)

// DiskOffering is a disk offering row; DiskSize is in GB (0 when Customized).
type DiskOffering struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayText string `json:"displaytext"`
	DiskSize    int64  `json:"disksize"`
	Customized  bool   `json:"iscustomized"`
	StorageType string `json:"storagetype"`
	Created     string `json:"created"`
}

// diskOfferingView omits "tags": on a disk offering it is a string of storage tags, and an
// offering without storage tags has none.
type diskOfferingView struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	DisplayText        string `json:"displaytext"`
	DiskSize           int64  `json:"disksize"`
	Created            string `json:"created"`
	IsCustomized       bool   `json:"iscustomized"`
	StorageType        string `json:"storagetype"`
	ProvisioningType   string `json:"provisioningtype"`
	CacheMode          string `json:"cacheMode"`
	DisplayOffering    bool   `json:"displayoffering"`
	DiskSizeStrictness bool   `json:"disksizestrictness"`
	Encrypt            bool   `json:"encrypt"`
	State              string `json:"state"`
}

// DiskOfferingTable is the disk offerings table.
func DiskOfferingTable(st *Store) *Table[DiskOffering] {
	return TableOf[DiskOffering](st, "diskofferings")
}

func init() {
	RegisterFamily(Family{
		Name:     "offering",
		Commands: []Command{Sync("listDiskOfferings", listDiskOfferings)},
		ResourceTypes: []ResourceType{{Name: "DiskOffering", Exists: func(st *Store, id string) bool {
			_, ok := DiskOfferingTable(st).Get(id)
			return ok
		}}},
		SeedOrder: 1,
		LoadSeed:  seedDiskOfferings,
	})
}

func seedDiskOfferings(st *Store, seed *Seed) error {
	now := FormatTime(st.Now())
	for i, sd := range seed.DiskOfferings {
		if sd.Name == "" {
			return fmt.Errorf("disk offering %d: name is required", i)
		}
		if !sd.Customized && sd.DiskSize <= 0 {
			return fmt.Errorf("disk offering %q: a fixed offering needs disk_size (GB)", sd.Name)
		}
		o := &DiskOffering{ID: orNewUUID(sd.ID), Name: sd.Name, DisplayText: orDefault(sd.DisplayText, sd.Name),
			DiskSize: sd.DiskSize, Customized: sd.Customized, StorageType: orDefault(sd.StorageType, "shared"), Created: now}
		if o.Customized {
			o.DiskSize = 0
		}
		DiskOfferingTable(st).Put(o.ID, o)
	}
	return nil
}

func renderDiskOffering(o *DiskOffering) any {
	return diskOfferingView{ID: o.ID, Name: o.Name, DisplayText: o.DisplayText, DiskSize: o.DiskSize,
		Created: o.Created, IsCustomized: o.Customized, StorageType: o.StorageType, ProvisioningType: "thin",
		CacheMode: "none", DisplayOffering: true, State: "Active"}
}

func listDiskOfferings(c *Call) (any, error) {
	return List(c, DiskOfferingTable(c.Store).All(), ListSpec[DiskOffering]{
		ItemKey: "diskoffering",
		ID:      func(o *DiskOffering) string { return o.ID },
		Name:    func(o *DiskOffering) string { return o.Name },
		Keyword: func(o *DiskOffering) []string { return []string{o.Name, o.DisplayText} },
		Render:  func(o *DiskOffering) any { return renderDiskOffering(o) },
	})
}
