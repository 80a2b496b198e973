package simulator

import "fmt"

// Zone is a zone row. Hypervisor is the hypervisor of its hosts (listHypervisors, disk
// device naming).
type Zone struct {
	ID                    string `json:"id"`
	Name                  string `json:"name"`
	Hypervisor            string `json:"hypervisor"`
	NetworkType           string `json:"networktype"`
	SecurityGroupsEnabled bool   `json:"securitygroupsenabled"`
	LocalStorageEnabled   bool   `json:"localstorageenabled"`
	DNS                   string `json:"dns"`
	Token                 string `json:"zonetoken"`
}

type zoneView struct {
	ID                    string    `json:"id"`
	Name                  string    `json:"name"`
	NetworkType           string    `json:"networktype"`
	SecurityGroupsEnabled bool      `json:"securitygroupsenabled"`
	AllocationState       string    `json:"allocationstate"`
	LocalStorageEnabled   bool      `json:"localstorageenabled"`
	DHCPProvider          string    `json:"dhcpprovider"`
	ZoneToken             string    `json:"zonetoken"`
	DNS1                  string    `json:"dns1,omitempty"`
	InternalDNS1          string    `json:"internaldns1,omitempty"`
	GuestCIDRAddress      string    `json:"guestcidraddress,omitempty"`
	Type                  string    `json:"type"`
	HasAnnotations        bool      `json:"hasannotations"`
	Tags                  []TagView `json:"tags"`
}

// ZoneTable is the zones table; other families resolve zones through it or LookupZone.
func ZoneTable(st *Store) *Table[Zone] { return TableOf[Zone](st, "zones") }

// LookupZone finds a zone by id or name.
func LookupZone(st *Store, idOrName string) (*Zone, bool) {
	if z, ok := ZoneTable(st).Get(idOrName); ok {
		return z, true
	}
	return ZoneTable(st).Find(func(z *Zone) bool { return z.Name == idOrName })
}

func init() {
	RegisterFamily(Family{
		Name:     "zone",
		Commands: []Command{Sync("listZones", listZones)},
		ResourceTypes: []ResourceType{{Name: "Zone", Exists: func(st *Store, id string) bool {
			_, ok := ZoneTable(st).Get(id)
			return ok
		}}},
		SeedOrder: 0,
		LoadSeed:  seedZones,
	})
}

func seedZones(st *Store, seed *Seed) error {
	for i, sz := range seed.Zones {
		if sz.Name == "" || sz.Hypervisor == "" {
			return fmt.Errorf("zone %d: name and hypervisor are required", i)
		}
		z := &Zone{ID: orNewUUID(sz.ID), Name: sz.Name, Hypervisor: sz.Hypervisor, NetworkType: sz.NetworkType,
			SecurityGroupsEnabled: sz.SecurityGroupsEnabled, LocalStorageEnabled: sz.LocalStorageEnabled,
			DNS: sz.DNS, Token: newUUID()}
		if z.NetworkType == "" {
			z.NetworkType = "Advanced"
		}
		if z.DNS == "" {
			z.DNS = "8.8.8.8"
		}
		ZoneTable(st).Put(z.ID, z)
	}
	return nil
}

func orNewUUID(id string) string {
	if id != "" {
		return id
	}
	return newUUID()
}

func renderZone(st *Store, z *Zone) any {
	return zoneView{ID: z.ID, Name: z.Name, NetworkType: z.NetworkType, SecurityGroupsEnabled: z.SecurityGroupsEnabled,
		AllocationState: "Enabled", LocalStorageEnabled: z.LocalStorageEnabled, DHCPProvider: "VirtualRouter",
		ZoneToken: z.Token, DNS1: z.DNS, InternalDNS1: z.DNS, GuestCIDRAddress: "10.0.0.0/8", Type: "Core",
		Tags: TagsFor(st, "Zone", z.ID)}
}

func listZones(c *Call) (any, error) {
	networkType := c.String("networktype")
	return List(c, ZoneTable(c.Store).All(), ListSpec[Zone]{
		ItemKey: "zone",
		ID:      func(z *Zone) string { return z.ID },
		Name:    func(z *Zone) string { return z.Name },
		Keyword: func(z *Zone) []string { return []string{z.Name} },
		TagType: "Zone",
		Filter:  func(z *Zone) bool { return networkType == "" || z.NetworkType == networkType },
		Render:  func(z *Zone) any { return renderZone(c.Store, z) },
	})
}
