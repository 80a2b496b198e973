package simulator

import (
	"fmt"
	"strconv"
)

// ServiceOffering is a compute offering row. A Customized offering has no fixed
// CPU/memory; Min/Max bound what deployVirtualMachine's details may ask (0 = unbounded).
type ServiceOffering struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	DisplayText  string `json:"displaytext"`
	CPUNumber    int    `json:"cpunumber"`
	CPUSpeed     int    `json:"cpuspeed"`
	Memory       int    `json:"memory"`
	Customized   bool   `json:"iscustomized"`
	MinCPUNumber int    `json:"mincpunumber"`
	MaxCPUNumber int    `json:"maxcpunumber"`
	MinMemory    int    `json:"minmemory"`
	MaxMemory    int    `json:"maxmemory"`
	RootDiskSize int64  `json:"rootdisksize"`
	StorageType  string `json:"storagetype"`
	Created      string `json:"created"`
}

type serviceOfferingView struct {
	ID                    string            `json:"id"`
	Name                  string            `json:"name"`
	DisplayText           string            `json:"displaytext"`
	CPUNumber             int               `json:"cpunumber,omitempty"`
	CPUSpeed              int               `json:"cpuspeed,omitempty"`
	Memory                int               `json:"memory,omitempty"`
	Created               string            `json:"created"`
	StorageType           string            `json:"storagetype"`
	ProvisioningType      string            `json:"provisioningtype"`
	OfferHA               bool              `json:"offerha"`
	LimitCPUUse           bool              `json:"limitcpuuse"`
	IsVolatile            bool              `json:"isvolatile"`
	IsSystem              bool              `json:"issystem"`
	DefaultUse            bool              `json:"defaultuse"`
	IsCustomized          bool              `json:"iscustomized"`
	CacheMode             string            `json:"cacheMode"`
	RootDiskSize          int64             `json:"rootdisksize"`
	DynamicScalingEnabled bool              `json:"dynamicscalingenabled"`
	State                 string            `json:"state"`
	Details               map[string]string `json:"serviceofferingdetails,omitempty"`
}

// ServiceOfferingTable is the compute offerings table.
func ServiceOfferingTable(st *Store) *Table[ServiceOffering] {
	return TableOf[ServiceOffering](st, "serviceofferings")
}

func init() {
	RegisterFamily(Family{
		Name:     "offering",
		Commands: []Command{Sync("listServiceOfferings", listServiceOfferings)},
		ResourceTypes: []ResourceType{{Name: "ServiceOffering", Exists: func(st *Store, id string) bool {
			_, ok := ServiceOfferingTable(st).Get(id)
			return ok
		}}},
		SeedOrder: 1,
		LoadSeed:  seedServiceOfferings,
	})
}

func seedServiceOfferings(st *Store, seed *Seed) error {
	now := FormatTime(st.Now())
	for i, so := range seed.ServiceOfferings {
		if so.Name == "" {
			return fmt.Errorf("service offering %d: name is required", i)
		}
		if !so.Customized && (so.CPUNumber <= 0 || so.CPUSpeed <= 0 || so.Memory <= 0) {
			return fmt.Errorf("service offering %q: a fixed offering needs cpu_number, cpu_speed and memory", so.Name)
		}
		o := &ServiceOffering{ID: orNewUUID(so.ID), Name: so.Name, DisplayText: orDefault(so.DisplayText, so.Name),
			CPUNumber: so.CPUNumber, CPUSpeed: so.CPUSpeed, Memory: so.Memory, Customized: so.Customized,
			MinCPUNumber: so.MinCPUNumber, MaxCPUNumber: so.MaxCPUNumber, MinMemory: so.MinMemory, MaxMemory: so.MaxMemory,
			RootDiskSize: so.RootDiskSize, StorageType: orDefault(so.StorageType, "shared"), Created: now}
		if o.Customized {
			// A customized offering keeps a fixed cpuspeed only when it is constrained.
			o.CPUNumber, o.Memory = 0, 0
		}
		ServiceOfferingTable(st).Put(o.ID, o)
	}
	return nil
}

func orDefault(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

func renderServiceOffering(o *ServiceOffering) any {
	v := serviceOfferingView{ID: o.ID, Name: o.Name, DisplayText: o.DisplayText, CPUNumber: o.CPUNumber,
		CPUSpeed: o.CPUSpeed, Memory: o.Memory, Created: o.Created, StorageType: o.StorageType,
		ProvisioningType: "thin", IsCustomized: o.Customized, CacheMode: "none", RootDiskSize: o.RootDiskSize,
		DynamicScalingEnabled: true, State: "Active"}
	if o.Customized {
		d := map[string]string{}
		for k, n := range map[string]int{"mincpunumber": o.MinCPUNumber, "maxcpunumber": o.MaxCPUNumber,
			"minmemory": o.MinMemory, "maxmemory": o.MaxMemory} {
			if n > 0 {
				d[k] = strconv.Itoa(n)
			}
		}
		if len(d) > 0 {
			v.Details = d
		}
	}
	return v
}

func listServiceOfferings(c *Call) (any, error) {
	isSystem := c.Bool("issystem", false)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return List(c, ServiceOfferingTable(c.Store).All(), ListSpec[ServiceOffering]{
		ItemKey: "serviceoffering",
		ID:      func(o *ServiceOffering) string { return o.ID },
		Name:    func(o *ServiceOffering) string { return o.Name },
		Keyword: func(o *ServiceOffering) []string { return []string{o.Name, o.DisplayText} },
		// Every seeded offering is a user offering: issystem=true lists none.
		Filter: func(o *ServiceOffering) bool { return !isSystem },
		Render: func(o *ServiceOffering) any { return renderServiceOffering(o) },
	})
}
