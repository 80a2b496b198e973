package simulator

import "fmt"

// SecurityGroup is a security group row; every account has "default". Membership is set
// by the VM family through AddSecurityGroupMember / RemoveVMFromSecurityGroups.
type SecurityGroup struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	VMIDs       []string `json:"virtualmachineids"`
}

// SecurityGroupView is the API form, also what a VM embeds in its "securitygroup" array.
type SecurityGroupView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Account     string    `json:"account"`
	DomainID    string    `json:"domainid"`
	Domain      string    `json:"domain"`
	IngressRule []any     `json:"ingressrule"`
	EgressRule  []any     `json:"egressrule"`
	Tags        []TagView `json:"tags"`
	VMCount     int       `json:"virtualmachinecount"`
	VMIDs       []string  `json:"virtualmachineids"`
}

// SecurityGroupTable is the security groups table.
func SecurityGroupTable(st *Store) *Table[SecurityGroup] {
	return TableOf[SecurityGroup](st, "securitygroups")
}

// LookupSecurityGroup finds a group by id or name.
func LookupSecurityGroup(st *Store, idOrName string) (*SecurityGroup, bool) {
	if g, ok := SecurityGroupTable(st).Get(idOrName); ok {
		return g, true
	}
	return SecurityGroupTable(st).Find(func(g *SecurityGroup) bool { return g.Name == idOrName })
}

// AddSecurityGroupMember records vmID in the group.
func AddSecurityGroupMember(st *Store, groupID, vmID string) {
	if g, ok := SecurityGroupTable(st).Get(groupID); ok && !contains(g.VMIDs, vmID) {
		g.VMIDs = append(g.VMIDs, vmID)
	}
}

// RemoveVMFromSecurityGroups drops vmID from every group.
func RemoveVMFromSecurityGroups(st *Store, vmID string) {
	for _, g := range SecurityGroupTable(st).All() {
		g.VMIDs = without(g.VMIDs, vmID)
	}
}

// SecurityGroupsOfVM renders the groups vmID belongs to.
func SecurityGroupsOfVM(st *Store, vmID string) []SecurityGroupView {
	out := []SecurityGroupView{}
	for _, g := range SecurityGroupTable(st).All() {
		if contains(g.VMIDs, vmID) {
			out = append(out, renderSecurityGroup(st, g))
		}
	}
	return out
}

func init() {
	RegisterFamily(Family{
		Name:     "securitygroup",
		Commands: []Command{Sync("listSecurityGroups", listSecurityGroups)},
		ResourceTypes: []ResourceType{{Name: "SecurityGroup", Exists: func(st *Store, id string) bool {
			_, ok := SecurityGroupTable(st).Get(id)
			return ok
		}}},
		SeedOrder: 5,
		LoadSeed:  seedSecurityGroups,
	})
}

func seedSecurityGroups(st *Store, seed *Seed) error {
	groups := append([]SeedSecurityGroup{{Name: "default", Description: "Default Security Group"}}, seed.SecurityGroups...)
	for i, sg := range groups {
		if sg.Name == "" {
			return fmt.Errorf("security group %d: name is required", i)
		}
		if i > 0 && sg.Name == "default" {
			continue // the default group always exists; the seed may not define it twice
		}
		g := &SecurityGroup{ID: orNewUUID(sg.ID), Name: sg.Name, Description: sg.Description, VMIDs: []string{}}
		SecurityGroupTable(st).Put(g.ID, g)
	}
	return nil
}

func renderSecurityGroup(st *Store, g *SecurityGroup) SecurityGroupView {
	return SecurityGroupView{ID: g.ID, Name: g.Name, Description: g.Description, Account: st.Account.Account,
		DomainID: st.Account.DomainID, Domain: st.Account.Domain, IngressRule: []any{}, EgressRule: []any{},
		Tags: TagsFor(st, "SecurityGroup", g.ID), VMCount: len(g.VMIDs), VMIDs: append([]string{}, g.VMIDs...)}
}

func listSecurityGroups(c *Call) (any, error) {
	vmID := c.ID("virtualmachineid", func(id string) bool { return c.ResourceExists("UserVm", id) })
	if err := c.Err(); err != nil {
		return nil, err
	}
	return List(c, SecurityGroupTable(c.Store).All(), ListSpec[SecurityGroup]{
		ItemKey:   "securitygroup",
		ID:        func(g *SecurityGroup) string { return g.ID },
		Name:      func(g *SecurityGroup) string { return g.Name },
		NameParam: "securitygroupname",
		Keyword:   func(g *SecurityGroup) []string { return []string{g.Name, g.Description} },
		TagType:   "SecurityGroup",
		Filter:    func(g *SecurityGroup) bool { return vmID == "" || contains(g.VMIDs, vmID) },
		Render:    func(g *SecurityGroup) any { return renderSecurityGroup(c.Store, g) },
	})
}
