package simulator

import (
	"fmt"
	"net"
)

// Public IP states (IpAddress.State); Releasing is instantaneous here.
const (
	IPFree       = "Free"
	IPAllocating = "Allocating"
	IPAllocated  = "Allocated"
)

// PublicIP is a row of the zone's public address range. Rows are never removed: a released
// address goes back to Free, as CloudStack's user_ip_address rows do, and its id keeps
// resolving.
type PublicIP struct {
	ID        string `json:"id"`
	Address   string `json:"ipaddress"`
	ZoneID    string `json:"zoneid"`
	State     string `json:"state"`
	Allocated string `json:"allocated,omitempty"`
	SourceNAT bool   `json:"issourcenat"`
	Display   bool   `json:"fordisplay"`
	// NetworkID is the associated guest network; NetworkName its name when associated.
	NetworkID   string `json:"associatednetworkid,omitempty"`
	NetworkName string `json:"associatednetworkname,omitempty"`
	StaticNAT   bool   `json:"isstaticnat"`
	VMID        string `json:"virtualmachineid,omitempty"`
	VMIP        string `json:"vmipaddress,omitempty"`
	// The zone's public network and VLAN the address belongs to (fixed per zone).
	PublicNetworkID   string `json:"networkid"`
	VlanID            string `json:"vlanid"`
	PhysicalNetworkID string `json:"physicalnetworkid"`
}

// PublicIPTable is the public IP table.
func PublicIPTable(st *Store) *Table[PublicIP] { return TableOf[PublicIP](st, "publicips") }

func init() {
	RegisterFamily(Family{
		Name: "address",
		Commands: []Command{
			withUserJavaClass(AsyncCreate("associateIpAddress", associateIPAddress), "address.AssociateIPAddrCmd"),
			withUserJavaClass(Async("disassociateIpAddress", disassociateIPAddress), "address.DisassociateIPAddrCmd"),
			Sync("listPublicIpAddresses", listPublicIPAddresses),
		},
		ResourceTypes: []ResourceType{{Name: "PublicIpAddress", Exists: func(st *Store, id string) bool {
			_, ok := PublicIPTable(st).Get(id)
			return ok
		}}},
		SeedOrder: 30,
		LoadSeed:  seedPublicIPs,
	})
}

// withUserJavaClass sets the job's "cmd" where the Java class is not named after the command
// (associateIpAddress is AssociateIPAddrCmd); class is "<package>.<Class>".
func withUserJavaClass(c Command, class string) Command {
	c.JavaClass = "org.apache.cloudstack.api.command.user." + class
	return c
}

func publicIPExists(st *Store) func(string) bool {
	return func(id string) bool { _, ok := PublicIPTable(st).Get(id); return ok }
}

// zonePublicRange holds the ids every address of one zone shares.
type zonePublicRange struct{ network, vlan, physical string }

func seedPublicIPs(st *Store, seed *Seed) error {
	ranges := map[string]zonePublicRange{}
	sourceNAT := map[string]bool{}
	for i, sp := range seed.PublicIPs {
		zone, ok := LookupZone(st, sp.Zone)
		if !ok {
			return fmt.Errorf("public ip %d: unknown zone %q", i, sp.Zone)
		}
		if ip := net.ParseIP(sp.IPAddress); ip == nil || ip.To4() == nil {
			return fmt.Errorf("public ip %d: %q is not an IPv4 address", i, sp.IPAddress)
		}
		if _, dup := PublicIPTable(st).Find(func(p *PublicIP) bool { return p.Address == sp.IPAddress }); dup {
			return fmt.Errorf("public ip %d: %s is listed twice", i, sp.IPAddress)
		}
		if sp.Free && (sp.Network != "" || sp.SourceNAT) {
			return fmt.Errorf("public ip %d: a free address has no network and is not source NAT", i)
		}
		if sp.SourceNAT && sp.Network == "" {
			return fmt.Errorf("public ip %d: a source NAT address needs its network", i)
		}
		r, ok := ranges[zone.ID]
		if !ok {
			r = zonePublicRange{network: newUUID(), vlan: newUUID(), physical: newUUID()}
			ranges[zone.ID] = r
		}
		ip := &PublicIP{ID: orNewUUID(sp.ID), Address: sp.IPAddress, ZoneID: zone.ID, State: IPFree, Display: true,
			PublicNetworkID: r.network, VlanID: r.vlan, PhysicalNetworkID: r.physical}
		if !sp.Free {
			ip.State, ip.Allocated, ip.SourceNAT = IPAllocated, FormatTime(st.Now()), sp.SourceNAT
		}
		if sp.Network != "" {
			n, found := lookupGuestNetwork(st, sp.Network)
			switch {
			case found && n.ZoneID != "" && n.ZoneID != zone.ID:
				return fmt.Errorf("public ip %d: network %q is not in zone %q", i, sp.Network, sp.Zone)
			case found:
				ip.NetworkID, ip.NetworkName = n.ID, n.Name
			case networkFamilyPresent(st):
				return fmt.Errorf("public ip %d: unknown network %q", i, sp.Network)
			}
			// Without a network family the address stays allocated but unassociated.
		}
		if ip.SourceNAT && ip.NetworkID != "" {
			if sourceNAT[ip.NetworkID] {
				return fmt.Errorf("public ip %d: network %q already has a source NAT address", i, sp.Network)
			}
			sourceNAT[ip.NetworkID] = true
		}
		PublicIPTable(st).Put(ip.ID, ip)
	}
	return nil
}

func (ip *PublicIP) clearStaticNAT() {
	ip.StaticNAT, ip.VMID, ip.VMIP = false, "", ""
}

// release returns the address to the zone's pool the way disassociatePublicIpAddress does:
// its static NAT is disabled, its load balancer rules and its tags are deleted.
func (ip *PublicIP) release(st *Store) {
	ip.clearStaticNAT()
	for _, lb := range LoadBalancerTable(st).All() {
		if lb.PublicIPID == ip.ID {
			deleteLoadBalancerRow(st, lb.ID)
		}
	}
	DeleteTagsOf(st, "PublicIpAddress", ip.ID)
	ip.State, ip.Allocated, ip.SourceNAT, ip.Display = IPFree, "", false, true
	ip.NetworkID, ip.NetworkName = "", ""
}

// ipText is how CloudStack's error texts print an address (IPAddressVO.toString).
func (ip *PublicIP) ipText() string { return "Ip[" + ip.Address + "-" + ip.ZoneID + "]" }

type publicIPView struct {
	ID                    string    `json:"id"`
	IPAddress             string    `json:"ipaddress"`
	Allocated             string    `json:"allocated,omitempty"`
	ZoneID                string    `json:"zoneid"`
	ZoneName              string    `json:"zonename,omitempty"`
	IsSourceNAT           bool      `json:"issourcenat"`
	Account               string    `json:"account,omitempty"`
	DomainID              string    `json:"domainid,omitempty"`
	Domain                string    `json:"domain,omitempty"`
	ForVirtualNetwork     bool      `json:"forvirtualnetwork"`
	VlanID                string    `json:"vlanid,omitempty"`
	VlanName              string    `json:"vlanname,omitempty"`
	IsStaticNAT           bool      `json:"isstaticnat"`
	IsSystem              bool      `json:"issystem"`
	VMID                  string    `json:"virtualmachineid,omitempty"`
	VMName                string    `json:"virtualmachinename,omitempty"`
	VMDisplayName         string    `json:"virtualmachinedisplayname,omitempty"`
	VMIPAddress           string    `json:"vmipaddress,omitempty"`
	AssociatedNetworkID   string    `json:"associatednetworkid,omitempty"`
	AssociatedNetworkName string    `json:"associatednetworkname,omitempty"`
	NetworkID             string    `json:"networkid,omitempty"`
	State                 string    `json:"state"`
	PhysicalNetworkID     string    `json:"physicalnetworkid,omitempty"`
	Tags                  []TagView `json:"tags"`
	IsPortable            bool      `json:"isportable"`
	ForDisplay            bool      `json:"fordisplay"`
}

func renderPublicIP(st *Store, ip *PublicIP) publicIPView {
	v := publicIPView{ID: ip.ID, IPAddress: ip.Address, Allocated: ip.Allocated, ZoneID: ip.ZoneID,
		IsSourceNAT: ip.SourceNAT, ForVirtualNetwork: true, VlanID: ip.VlanID, VlanName: "vlan://untagged",
		IsStaticNAT: ip.StaticNAT, VMID: ip.VMID, VMIPAddress: ip.VMIP,
		AssociatedNetworkID: ip.NetworkID, AssociatedNetworkName: ip.NetworkName,
		NetworkID: ip.PublicNetworkID, State: ip.State, PhysicalNetworkID: ip.PhysicalNetworkID,
		Tags: TagsFor(st, "PublicIpAddress", ip.ID), ForDisplay: ip.Display}
	if z, ok := LookupZone(st, ip.ZoneID); ok {
		v.ZoneName = z.Name
	}
	if ip.State != IPFree {
		v.Account, v.DomainID, v.Domain = st.Account.Account, st.Account.DomainID, st.Account.Domain
	}
	if ip.NetworkID != "" {
		if n, ok := lookupGuestNetwork(st, ip.NetworkID); ok && n.Name != "" {
			v.AssociatedNetworkName = n.Name
		}
	}
	if ip.VMID != "" {
		if vm, ok := lookupVMForNetworking(st, ip.VMID); ok {
			v.VMName, v.VMDisplayName = vm.Name, vm.DisplayName
		}
	}
	return v
}
