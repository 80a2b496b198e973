package simulator

import "strconv"

// LoadBalancerRule is a public load balancer rule on an allocated address. CloudStack
// deletes the row (firewall_rules) when the rule is deleted, so its id stops resolving.
type LoadBalancerRule struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Description  string     `json:"description,omitempty"`
	PublicIPID   string     `json:"publicipid"`
	PublicPort   int        `json:"publicport"`
	PrivatePort  int        `json:"privateport"`
	Algorithm    string     `json:"algorithm"`
	Protocol     string     `json:"protocol"`
	NetworkID    string     `json:"networkid"`
	ZoneID       string     `json:"zoneid"`
	CIDRList     string     `json:"cidrlist"`
	OpenFirewall bool       `json:"openfirewall"`
	Display      bool       `json:"fordisplay"`
	State        string     `json:"state"` // Add until first applied, then Active
	Members      []LBMember `json:"members"`
}

// LBMember is one VM address a rule balances to.
type LBMember struct {
	VMID string `json:"virtualmachineid"`
	IP   string `json:"ip"`
}

// LoadBalancerTable is the load balancer rule table.
func LoadBalancerTable(st *Store) *Table[LoadBalancerRule] {
	return TableOf[LoadBalancerRule](st, "loadbalancers")
}

// LBAlgorithms are the algorithms NetUtils.isValidAlgorithm accepts.
var LBAlgorithms = []string{"roundrobin", "leastconn", "source"}

func init() {
	RegisterFamily(Family{
		Name: "loadbalancer",
		Commands: []Command{
			AsyncCreate("createLoadBalancerRule", createLoadBalancerRule),
			Async("deleteLoadBalancerRule", deleteLoadBalancerRule),
			Async("assignToLoadBalancerRule", assignToLoadBalancerRule),
			Async("removeFromLoadBalancerRule", removeFromLoadBalancerRule),
			Sync("listLoadBalancerRules", listLoadBalancerRules),
			Sync("listLoadBalancerRuleInstances", listLoadBalancerRuleInstances),
		},
		ResourceTypes: []ResourceType{{Name: "LoadBalancer", Exists: func(st *Store, id string) bool {
			_, ok := LoadBalancerTable(st).Get(id)
			return ok
		}}},
	})
}

func loadBalancerExists(st *Store) func(string) bool {
	return func(id string) bool { _, ok := LoadBalancerTable(st).Get(id); return ok }
}

// deleteLoadBalancerRow drops a rule with its tags (and so its memberships).
func deleteLoadBalancerRow(st *Store, id string) {
	DeleteTagsOf(st, "LoadBalancer", id)
	LoadBalancerTable(st).Delete(id)
}

// hasMember reports whether vmID is balanced to (at ip, when ip is not empty).
func (lb *LoadBalancerRule) hasMember(vmID, ip string) bool {
	for _, m := range lb.Members {
		if m.VMID == vmID && (ip == "" || m.IP == ip) {
			return true
		}
	}
	return false
}

// removeMember drops vmID's mappings (only the one at ip, when ip is not empty).
func (lb *LoadBalancerRule) removeMember(vmID, ip string) {
	kept := lb.Members[:0]
	for _, m := range lb.Members {
		if m.VMID != vmID || (ip != "" && m.IP != ip) {
			kept = append(kept, m)
		}
	}
	lb.Members = kept
}

type loadBalancerView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	PublicIPID  string    `json:"publicipid"`
	PublicIP    string    `json:"publicip"`
	PublicPort  string    `json:"publicport"`
	PrivatePort string    `json:"privateport"`
	Algorithm   string    `json:"algorithm"`
	CIDRList    string    `json:"cidrlist"`
	Account     string    `json:"account"`
	DomainID    string    `json:"domainid"`
	Domain      string    `json:"domain"`
	State       string    `json:"state"`
	ZoneID      string    `json:"zoneid"`
	ZoneName    string    `json:"zonename,omitempty"`
	NetworkID   string    `json:"networkid"`
	Protocol    string    `json:"protocol"`
	ForDisplay  bool      `json:"fordisplay"`
	Tags        []TagView `json:"tags"`
}

// renderLoadBalancer renders ports as strings, as CloudStack (and cloudstack-go) do.
func renderLoadBalancer(st *Store, lb *LoadBalancerRule) loadBalancerView {
	v := loadBalancerView{ID: lb.ID, Name: lb.Name, Description: lb.Description, PublicIPID: lb.PublicIPID,
		PublicPort: strconv.Itoa(lb.PublicPort), PrivatePort: strconv.Itoa(lb.PrivatePort), Algorithm: lb.Algorithm,
		CIDRList: lb.CIDRList, Account: st.Account.Account, DomainID: st.Account.DomainID, Domain: st.Account.Domain,
		State: lb.State, ZoneID: lb.ZoneID, NetworkID: lb.NetworkID, Protocol: lb.Protocol, ForDisplay: lb.Display,
		Tags: TagsFor(st, "LoadBalancer", lb.ID)}
	if ip, ok := PublicIPTable(st).Get(lb.PublicIPID); ok {
		v.PublicIP = ip.Address
	}
	if z, ok := LookupZone(st, lb.ZoneID); ok {
		v.ZoneName = z.Name
	}
	return v
}

func listLoadBalancerRules(c *Call) (any, error) {
	ipID := c.ID("publicipid", publicIPExists(c.Store))
	vmID := c.ID("virtualmachineid", vmExists(c.Store))
	networkID := c.ID("networkid", guestNetworkExists(c.Store))
	if err := c.Err(); err != nil {
		return nil, err
	}
	return List(c, LoadBalancerTable(c.Store).All(), ListSpec[LoadBalancerRule]{
		ItemKey: "loadbalancerrule",
		ID:      func(lb *LoadBalancerRule) string { return lb.ID },
		Name:    func(lb *LoadBalancerRule) string { return lb.Name },
		Keyword: func(lb *LoadBalancerRule) []string { return []string{lb.Name, lb.Description} },
		ZoneID:  func(lb *LoadBalancerRule) string { return lb.ZoneID },
		TagType: "LoadBalancer",
		Filter: func(lb *LoadBalancerRule) bool {
			return (ipID == "" || lb.PublicIPID == ipID) &&
				(vmID == "" || lb.hasMember(vmID, "")) &&
				(networkID == "" || lb.NetworkID == networkID)
		},
		Render: func(lb *LoadBalancerRule) any { return renderLoadBalancer(c.Store, lb) },
	})
}
