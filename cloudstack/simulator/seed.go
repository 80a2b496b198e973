package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Seed is the initial cloud, read from a JSON file (-seed) or DefaultSeed. Ids are
// optional: rows without one get a random UUID. Sections a family does not read yet are
// kept for the family that will (networks, public IPs and templates come in phase 2).
type Seed struct {
	Zones            []SeedZone            `json:"zones"`
	ServiceOfferings []SeedServiceOffering `json:"service_offerings"`
	DiskOfferings    []SeedDiskOffering    `json:"disk_offerings"`
	OSTypes          []SeedOSType          `json:"os_types"`
	Networks         []SeedNetwork         `json:"networks"`
	PublicIPs        []SeedPublicIP        `json:"public_ips"`
	KeyPairs         []SeedKeyPair         `json:"key_pairs"`
	SecurityGroups   []SeedSecurityGroup   `json:"security_groups"`
	AffinityGroups   []SeedAffinityGroup   `json:"affinity_groups"`
	Templates        []SeedTemplate        `json:"templates"`
	Faults           FaultConfig           `json:"faults"`
}

// SeedZone is a zone and the hypervisor of its (single, implicit) cluster.
type SeedZone struct {
	ID                    string `json:"id,omitempty"`
	Name                  string `json:"name"`
	Hypervisor            string `json:"hypervisor"`
	NetworkType           string `json:"network_type,omitempty"` // Advanced (default) or Basic
	SecurityGroupsEnabled bool   `json:"security_groups_enabled,omitempty"`
	LocalStorageEnabled   bool   `json:"local_storage_enabled,omitempty"`
	DNS                   string `json:"dns,omitempty"`
}

// SeedServiceOffering is a compute offering; Customized ones have no cpu/memory and may
// bound what deploy accepts with the Min/Max fields.
type SeedServiceOffering struct {
	ID           string `json:"id,omitempty"`
	Name         string `json:"name"`
	DisplayText  string `json:"display_text,omitempty"`
	CPUNumber    int    `json:"cpu_number,omitempty"`
	CPUSpeed     int    `json:"cpu_speed,omitempty"` // MHz
	Memory       int    `json:"memory,omitempty"`    // MB
	Customized   bool   `json:"customized,omitempty"`
	MinCPUNumber int    `json:"min_cpu_number,omitempty"`
	MaxCPUNumber int    `json:"max_cpu_number,omitempty"`
	MinMemory    int    `json:"min_memory,omitempty"`
	MaxMemory    int    `json:"max_memory,omitempty"`
	RootDiskSize int64  `json:"root_disk_size,omitempty"` // GB
	StorageType  string `json:"storage_type,omitempty"`   // shared (default) or local
}

// SeedDiskOffering is a data-disk offering; Customized ones take the size from createVolume.
type SeedDiskOffering struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	DisplayText string `json:"display_text,omitempty"`
	DiskSize    int64  `json:"disk_size,omitempty"` // GB, 0 for customized
	Customized  bool   `json:"customized,omitempty"`
	StorageType string `json:"storage_type,omitempty"`
}

// SeedOSType is a guest OS type.
type SeedOSType struct {
	ID          string `json:"id,omitempty"`
	Description string `json:"description"`
	Category    string `json:"category,omitempty"`
}

// SeedNetwork is a guest network of a zone (read by the network family, phase 2).
type SeedNetwork struct {
	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name"`
	Zone    string   `json:"zone"` // zone name or id
	Type    string   `json:"type"` // Isolated or Shared
	CIDR    string   `json:"cidr"`
	Gateway string   `json:"gateway"`
	Netmask string   `json:"netmask"`
	DNS     []string `json:"dns,omitempty"`
}

// SeedPublicIP is a public address: allocated to the account (not yet static-NATed), or,
// with Free, an unallocated address of the zone's public range for associateIpAddress.
type SeedPublicIP struct {
	ID        string `json:"id,omitempty"`
	Zone      string `json:"zone"`
	IPAddress string `json:"ip_address"`
	Network   string `json:"network,omitempty"` // associated guest network name or id
	SourceNAT bool   `json:"source_nat,omitempty"`
	Free      bool   `json:"free,omitempty"`
}

// SeedKeyPair registers a public key (generated when empty).
type SeedKeyPair struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	PublicKey string `json:"public_key,omitempty"`
}

// SeedSecurityGroup adds a security group next to the always-present "default".
type SeedSecurityGroup struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// SeedAffinityGroup pre-creates an affinity group.
type SeedAffinityGroup struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// SeedTemplate preloads a ready template (read by the template family, phase 2).
type SeedTemplate struct {
	ID          string   `json:"id,omitempty"`
	Name        string   `json:"name"`
	DisplayText string   `json:"display_text,omitempty"`
	Zones       []string `json:"zones"` // names or ids; empty = every zone
	OSType      string   `json:"os_type"`
	Hypervisor  string   `json:"hypervisor"`
	Format      string   `json:"format"` // VHD, QCOW2, OVA, RAW
	Size        int64    `json:"size,omitempty"`
}

// LoadSeedFile reads a seed file, rejecting unknown fields so typos do not pass silently.
func LoadSeedFile(path string) (*Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading seed: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return &s, nil
}

// DefaultSeed is a small but useful cloud: zone1 (XenServer) and zone2 (KVM), fixed and
// customized offerings, an isolated and a shared network per zone, public IPs, a key pair.
func DefaultSeed() *Seed {
	return &Seed{
		Zones: []SeedZone{
			{Name: "zone1", Hypervisor: "XenServer"},
			{Name: "zone2", Hypervisor: "KVM"},
		},
		ServiceOfferings: []SeedServiceOffering{
			{Name: "Small Instance", CPUNumber: 1, CPUSpeed: 500, Memory: 512},
			{Name: "Medium Instance", CPUNumber: 2, CPUSpeed: 1000, Memory: 2048},
			{Name: "Large Instance", CPUNumber: 4, CPUSpeed: 2000, Memory: 8192},
			{Name: "Custom", Customized: true},
			{Name: "Custom Constrained", Customized: true, CPUSpeed: 1000,
				MinCPUNumber: 1, MaxCPUNumber: 8, MinMemory: 512, MaxMemory: 16384},
		},
		DiskOfferings: []SeedDiskOffering{
			{Name: "small", DisplayText: "Small Disk, 10 GB", DiskSize: 10},
			{Name: "medium", DisplayText: "Medium Disk, 50 GB", DiskSize: 50},
			{Name: "custom", DisplayText: "Custom Disk", Customized: true},
		},
		OSTypes: []SeedOSType{
			{Description: "Other PV (64-bit)", Category: "Other"},
			{Description: "Other (64-bit)", Category: "Other"},
			{Description: "Other Linux (64-bit)", Category: "Other"},
			{Description: "Ubuntu 22.04 LTS", Category: "Ubuntu"},
			{Description: "Ubuntu 24.04 LTS", Category: "Ubuntu"},
			{Description: "Debian GNU/Linux 12 (64-bit)", Category: "Debian"},
		},
		Networks: []SeedNetwork{
			{Name: "zone1-isolated", Zone: "zone1", Type: "Isolated", CIDR: "10.1.1.0/24", Gateway: "10.1.1.1", Netmask: "255.255.255.0", DNS: []string{"8.8.8.8"}},
			{Name: "zone1-shared", Zone: "zone1", Type: "Shared", CIDR: "10.1.2.0/24", Gateway: "10.1.2.1", Netmask: "255.255.255.0", DNS: []string{"8.8.8.8"}},
			{Name: "zone2-isolated", Zone: "zone2", Type: "Isolated", CIDR: "10.2.1.0/24", Gateway: "10.2.1.1", Netmask: "255.255.255.0", DNS: []string{"8.8.8.8"}},
			{Name: "zone2-shared", Zone: "zone2", Type: "Shared", CIDR: "10.2.2.0/24", Gateway: "10.2.2.1", Netmask: "255.255.255.0", DNS: []string{"8.8.8.8"}},
		},
		PublicIPs: []SeedPublicIP{
			{Zone: "zone1", IPAddress: "203.0.113.10", Network: "zone1-isolated", SourceNAT: true},
			{Zone: "zone1", IPAddress: "203.0.113.11", Network: "zone1-isolated"},
			{Zone: "zone1", IPAddress: "203.0.113.12", Network: "zone1-isolated"},
			{Zone: "zone2", IPAddress: "198.51.100.10", Network: "zone2-isolated", SourceNAT: true},
			{Zone: "zone2", IPAddress: "198.51.100.11", Network: "zone2-isolated"},
			{Zone: "zone1", IPAddress: "203.0.113.20", Free: true},
			{Zone: "zone1", IPAddress: "203.0.113.21", Free: true},
			{Zone: "zone2", IPAddress: "198.51.100.20", Free: true},
		},
		KeyPairs: []SeedKeyPair{{Name: "bosh"}},
	}
}
