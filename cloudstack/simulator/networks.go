package simulator

import (
	"fmt"
	"strings"
)

// Network is a guest network row (seeded only: the CPI never creates networks). Guest IPs
// are not stored here: an address is in use while a live VM has a NIC with it (see
// networks_ips.go), so expunging a VM frees its addresses with no bookkeeping.
type Network struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayText string `json:"displaytext"`
	ZoneID      string `json:"zoneid"`
	Type        string `json:"type"` // Isolated or Shared
	CIDR        string `json:"cidr"`
	Gateway     string `json:"gateway"`
	Netmask     string `json:"netmask"`
	DNS1        string `json:"dns1"`
	DNS2        string `json:"dns2,omitempty"`
	VLAN        int    `json:"vlan"`
	Created     string `json:"created"`
}

// Network offerings are not a family of their own: every seeded network uses CloudStack's
// default offering for its type, with fixed ids.
const (
	isolatedOfferingID = "8c7e2a41-3f2b-4c1e-9a55-0d4b7e6f1a01"
	sharedOfferingID   = "8c7e2a41-3f2b-4c1e-9a55-0d4b7e6f1a02"
	physicalNetworkID  = "8c7e2a41-3f2b-4c1e-9a55-0d4b7e6f1a10"
	networkDomain      = "cs2cloud.internal"
)

// NetworkTable is the guest networks table.
func NetworkTable(st *Store) *Table[Network] { return TableOf[Network](st, "networks") }

// LookupNetwork finds a network by id or name (the public-IP family resolves its seed's
// "network" field with it).
func LookupNetwork(st *Store, idOrName string) (*Network, bool) {
	if n, ok := NetworkTable(st).Get(idOrName); ok {
		return n, true
	}
	return NetworkTable(st).Find(func(n *Network) bool { return n.Name == idOrName })
}

func networkExists(st *Store, id string) bool {
	_, ok := NetworkTable(st).Get(id)
	return ok
}

// String is CloudStack's NetworkVO.toString, which error texts embed.
func (n *Network) String() string {
	offering := isolatedOfferingID
	if n.Type == "Shared" {
		offering = sharedOfferingID
	}
	return fmt.Sprintf("Ntwk[%s|Guest|%s]", n.ID, offering)
}

func init() {
	RegisterFamily(Family{
		Name:          "network",
		Commands:      []Command{Sync("listNetworks", listNetworks)},
		ResourceTypes: []ResourceType{{Name: "Network", Exists: networkExists}},
		SeedOrder:     20,
		LoadSeed:      seedNetworks,
	})
}

func seedNetworks(st *Store, seed *Seed) error {
	for i, sn := range seed.Networks {
		if sn.Name == "" {
			return fmt.Errorf("network %d: name is required", i)
		}
		zone, ok := LookupZone(st, sn.Zone)
		if !ok {
			return fmt.Errorf("network %q: zone %q does not exist", sn.Name, sn.Zone)
		}
		typ := normaliseNetworkType(sn.Type)
		if typ == "" {
			return fmt.Errorf("network %q: type must be Isolated or Shared, got %q", sn.Name, sn.Type)
		}
		r, err := parseCIDR(sn.CIDR)
		if err != nil {
			return fmt.Errorf("network %q: %w", sn.Name, err)
		}
		if !r.contains(sn.Gateway) {
			return fmt.Errorf("network %q: gateway %q is not inside %s", sn.Name, sn.Gateway, sn.CIDR)
		}
		if sn.Netmask != "" && sn.Netmask != r.netmask() {
			return fmt.Errorf("network %q: netmask %s does not match cidr %s (%s)", sn.Name, sn.Netmask, sn.CIDR, r.netmask())
		}
		n := &Network{ID: orNewUUID(sn.ID), Name: sn.Name, DisplayText: sn.Name, ZoneID: zone.ID, Type: typ,
			CIDR: r.String(), Gateway: sn.Gateway, Netmask: r.netmask(), DNS1: zone.DNS, VLAN: 1000 + i,
			Created: FormatTime(st.Now())}
		if len(sn.DNS) > 0 {
			n.DNS1 = sn.DNS[0]
		}
		if len(sn.DNS) > 1 {
			n.DNS2 = sn.DNS[1]
		}
		NetworkTable(st).Put(n.ID, n)
	}
	return nil
}

func normaliseNetworkType(t string) string {
	switch strings.ToLower(t) {
	case "isolated":
		return "Isolated"
	case "shared":
		return "Shared"
	}
	return ""
}

type networkView struct {
	ID                          string            `json:"id"`
	Name                        string            `json:"name"`
	DisplayText                 string            `json:"displaytext"`
	BroadcastDomainType         string            `json:"broadcastdomaintype"`
	BroadcastURI                string            `json:"broadcasturi"`
	TrafficType                 string            `json:"traffictype"`
	Gateway                     string            `json:"gateway"`
	Netmask                     string            `json:"netmask"`
	CIDR                        string            `json:"cidr"`
	ZoneID                      string            `json:"zoneid"`
	ZoneName                    string            `json:"zonename"`
	NetworkOfferingID           string            `json:"networkofferingid"`
	NetworkOfferingName         string            `json:"networkofferingname"`
	NetworkOfferingDisplayText  string            `json:"networkofferingdisplaytext"`
	NetworkOfferingConserveMode bool              `json:"networkofferingconservemode"`
	NetworkOfferingAvailability string            `json:"networkofferingavailability"`
	IsSystem                    bool              `json:"issystem"`
	State                       string            `json:"state"`
	Related                     string            `json:"related"`
	DNS1                        string            `json:"dns1"`
	DNS2                        string            `json:"dns2,omitempty"`
	Type                        string            `json:"type"`
	ACLType                     string            `json:"acltype"`
	Account                     string            `json:"account"`
	DomainID                    string            `json:"domainid"`
	Domain                      string            `json:"domain"`
	Services                    []networkService  `json:"service"`
	NetworkDomain               string            `json:"networkdomain"`
	PhysicalNetworkID           string            `json:"physicalnetworkid"`
	RestartRequired             bool              `json:"restartrequired"`
	SpecifyIPRanges             bool              `json:"specifyipranges"`
	CanUseForDeploy             bool              `json:"canusefordeploy"`
	IsPersistent                bool              `json:"ispersistent"`
	Tags                        []TagView         `json:"tags"`
	Details                     map[string]string `json:"details"`
	DisplayNetwork              bool              `json:"displaynetwork"`
	StrechedL2Subnet            bool              `json:"strechedl2subnet"`
	RedundantRouter             bool              `json:"redundantrouter"`
	Created                     string            `json:"created"`
}

type networkService struct {
	Name       string              `json:"name"`
	Capability []serviceCapability `json:"capability,omitempty"`
}

type serviceCapability struct {
	Name                       string `json:"name"`
	Value                      string `json:"value"`
	CanChooseServiceCapability bool   `json:"canchooseservicecapability"`
}

func capabilities(pairs ...string) []serviceCapability {
	var out []serviceCapability
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, serviceCapability{Name: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// networkServices are the services of CloudStack's default offerings: an isolated network
// (DefaultIsolatedNetworkOfferingWithSourceNatService) has a virtual router doing NAT, load
// balancing and firewalling; a shared one (DefaultSharedNetworkOffering) only DHCP, DNS and
// user-data. Services without capabilities carry none, as CloudStack renders them.
func networkServices(typ string) []networkService {
	base := []networkService{
		{Name: "Dns", Capability: capabilities("AllowDnsSuffixModification", "true")},
		{Name: "Dhcp", Capability: capabilities("DhcpAccrossMultipleSubnets", "true")},
		{Name: "UserData"},
	}
	if typ == "Shared" {
		return base
	}
	return append([]networkService{
		{Name: "Lb", Capability: capabilities("SupportedLBIsolation", "dedicated", "SupportedLbAlgorithms", "roundrobin,leastconn,source",
			"SupportedProtocols", "tcp, udp, tcp-proxy", "LbSchemes", "Public")},
		{Name: "PortForwarding", Capability: capabilities("SupportedProtocols", "tcp,udp")},
		{Name: "SourceNat", Capability: capabilities("SupportedSourceNatTypes", "peraccount", "RedundantRouter", "true")},
		{Name: "Vpn", Capability: capabilities("VpnTypes", "removeaccessvpn", "SupportedVpnTypes", "pptp,l2tp,ipsec")},
	}, append(base,
		networkService{Name: "StaticNat"},
		networkService{Name: "Firewall", Capability: capabilities("TrafficStatistics", "per public ip", "SupportedProtocols", "tcp,udp,icmp",
			"MultipleIps", "true", "SupportedTrafficDirection", "ingress, egress", "SupportedEgressProtocols", "tcp,udp,icmp, all")},
	)...)
}

// networkState: an isolated network is Allocated until its first VM makes CloudStack
// implement it (start its virtual router); a shared network is Setup from the start.
func networkState(st *Store, n *Network) string {
	if n.Type == "Shared" {
		return "Setup"
	}
	if len(ipsInUse(st, n.ID)) > 0 {
		return "Implemented"
	}
	return "Allocated"
}

func renderNetwork(st *Store, n *Network) networkView {
	zoneName := ""
	if z, ok := ZoneTable(st).Get(n.ZoneID); ok {
		zoneName = z.Name
	}
	v := networkView{ID: n.ID, Name: n.Name, DisplayText: n.DisplayText, BroadcastDomainType: "Vlan",
		BroadcastURI: fmt.Sprintf("vlan://%d", n.VLAN), TrafficType: "Guest", Gateway: n.Gateway, Netmask: n.Netmask,
		CIDR: n.CIDR, ZoneID: n.ZoneID, ZoneName: zoneName, IsSystem: false, State: networkState(st, n), Related: n.ID,
		DNS1: n.DNS1, DNS2: n.DNS2, Type: n.Type, Account: st.Account.Account, DomainID: st.Account.DomainID,
		Domain: st.Account.Domain, Services: networkServices(n.Type), NetworkDomain: networkDomain,
		PhysicalNetworkID: physicalNetworkID, CanUseForDeploy: true, Tags: TagsFor(st, "Network", n.ID),
		Details: map[string]string{}, DisplayNetwork: true, Created: n.Created,
		NetworkOfferingConserveMode: true, NetworkOfferingAvailability: "Optional"}
	if n.Type == "Shared" {
		v.NetworkOfferingID, v.NetworkOfferingName = sharedOfferingID, "DefaultSharedNetworkOffering"
		v.NetworkOfferingDisplayText = "Offering for Shared networks"
		v.ACLType, v.SpecifyIPRanges = "Domain", true
	} else {
		v.NetworkOfferingID, v.NetworkOfferingName = isolatedOfferingID, "DefaultIsolatedNetworkOfferingWithSourceNatService"
		v.NetworkOfferingDisplayText = "Offering for Isolated networks with Source Nat service enabled"
		v.NetworkOfferingAvailability, v.ACLType = "Required", "Account"
	}
	return v
}

// listNetworks filters as CloudStack does for the parameters a CPI sends. Every seeded
// network is a guest network usable for deploy, so issystem=true and traffictype other than
// Guest list nothing.
func listNetworks(c *Call) (any, error) {
	typ := c.String("type")
	trafficType := c.String("traffictype")
	isSystem := c.Bool("issystem", false)
	// Every network here can take VMs: canusefordeploy=false lists none.
	canUseForDeploy := c.Bool("canusefordeploy", true)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return List(c, NetworkTable(c.Store).All(), ListSpec[Network]{
		ItemKey: "network",
		ID:      func(n *Network) string { return n.ID },
		Name:    func(n *Network) string { return n.Name },
		Keyword: func(n *Network) []string { return []string{n.Name, n.DisplayText} },
		ZoneID:  func(n *Network) string { return n.ZoneID },
		TagType: "Network",
		Filter: func(n *Network) bool {
			return (typ == "" || strings.EqualFold(n.Type, typ)) &&
				(trafficType == "" || strings.EqualFold(trafficType, "Guest")) &&
				!isSystem && canUseForDeploy
		},
		Render: func(n *Network) any { return renderNetwork(c.Store, n) },
	})
}
