package simulator

import "fmt"

// AffinityGroup is an affinity group row. Membership is set by the VM family through
// AddAffinityGroupMember / RemoveVMFromAffinityGroups.
type AffinityGroup struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Description string   `json:"description"`
	VMIDs       []string `json:"virtualmachineIds"`
}

// AffinityGroupView is the API form, also what a VM embeds in its "affinitygroup" array.
type AffinityGroupView struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Account     string   `json:"account"`
	DomainID    string   `json:"domainid"`
	Domain      string   `json:"domain"`
	Type        string   `json:"type"`
	VMIDs       []string `json:"virtualmachineIds,omitempty"`
}

// AffinityGroupTypes are the types a user may create.
var AffinityGroupTypes = []string{"host anti-affinity", "host affinity", "non-strict host anti-affinity", "non-strict host affinity"}

// AffinityGroupTable is the affinity groups table.
func AffinityGroupTable(st *Store) *Table[AffinityGroup] {
	return TableOf[AffinityGroup](st, "affinitygroups")
}

// LookupAffinityGroup finds a group by id or (unique) name.
func LookupAffinityGroup(st *Store, idOrName string) (*AffinityGroup, bool) {
	if g, ok := AffinityGroupTable(st).Get(idOrName); ok {
		return g, true
	}
	return AffinityGroupTable(st).Find(func(g *AffinityGroup) bool { return g.Name == idOrName })
}

// AddAffinityGroupMember records vmID as a member of the group (deployVirtualMachine with
// affinitygroupids/affinitygroupnames).
func AddAffinityGroupMember(st *Store, groupID, vmID string) {
	if g, ok := AffinityGroupTable(st).Get(groupID); ok && !contains(g.VMIDs, vmID) {
		g.VMIDs = append(g.VMIDs, vmID)
	}
}

// RemoveVMFromAffinityGroups drops vmID from every group (VM expunged or in Error).
func RemoveVMFromAffinityGroups(st *Store, vmID string) {
	for _, g := range AffinityGroupTable(st).All() {
		g.VMIDs = without(g.VMIDs, vmID)
	}
}

// AffinityGroupsOfVM renders the groups vmID belongs to, for the VM's "affinitygroup" array.
func AffinityGroupsOfVM(st *Store, vmID string) []AffinityGroupView {
	out := []AffinityGroupView{}
	for _, g := range AffinityGroupTable(st).All() {
		if contains(g.VMIDs, vmID) {
			out = append(out, renderAffinityGroup(st, g))
		}
	}
	return out
}

func without(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func init() {
	RegisterFamily(Family{
		Name: "affinitygroup",
		Commands: []Command{
			AsyncCreate("createAffinityGroup", createAffinityGroup),
			Async("deleteAffinityGroup", deleteAffinityGroup),
			Sync("listAffinityGroups", listAffinityGroups),
			Sync("listAffinityGroupTypes", listAffinityGroupTypes),
		},
		SeedOrder: 5,
		LoadSeed:  seedAffinityGroups,
	})
}

func seedAffinityGroups(st *Store, seed *Seed) error {
	for i, sg := range seed.AffinityGroups {
		if sg.Name == "" || !contains(AffinityGroupTypes, sg.Type) {
			return fmt.Errorf("affinity group %d: needs a name and a type among %q", i, AffinityGroupTypes)
		}
		g := &AffinityGroup{ID: orNewUUID(sg.ID), Name: sg.Name, Type: sg.Type, Description: sg.Description, VMIDs: []string{}}
		AffinityGroupTable(st).Put(g.ID, g)
	}
	return nil
}

func renderAffinityGroup(st *Store, g *AffinityGroup) AffinityGroupView {
	return AffinityGroupView{ID: g.ID, Name: g.Name, Description: g.Description, Account: st.Account.Account,
		DomainID: st.Account.DomainID, Domain: st.Account.Domain, Type: g.Type, VMIDs: append([]string(nil), g.VMIDs...)}
}

// createAffinityGroup validates and creates the row in the synchronous create() phase, as
// CloudStack does, so a duplicate name or bad type is an HTTP 431, not a failed job.
func createAffinityGroup(c *Call) (*Job, error) {
	name := c.Required("name")
	typ := c.Required("type")
	description := c.String("description")
	if err := c.Err(); err != nil {
		return nil, err
	}
	if !contains(AffinityGroupTypes, typ) {
		return nil, ErrParam("Unable to create affinity group, invalid affinity group type%s", typ)
	}
	if _, taken := AffinityGroupTable(c.Store).Find(func(g *AffinityGroup) bool { return g.Name == name }); taken {
		return nil, ErrParam("Unable to create affinity group, a group with name %s already exists.", name)
	}
	g := &AffinityGroup{ID: newUUID(), Name: name, Type: typ, Description: description, VMIDs: []string{}}
	AffinityGroupTable(c.Store).Put(g.ID, g)
	return &Job{InstanceType: "AffinityGroup", InstanceID: g.ID, Complete: func(c *Call) (any, error) {
		g, ok := AffinityGroupTable(c.Store).Get(g.ID)
		if !ok {
			return nil, ErrInternal("affinity group %s vanished before its creation completed", name)
		}
		return Object("affinitygroup", renderAffinityGroup(c.Store, g)), nil
	}}, nil
}

func deleteAffinityGroup(c *Call) (*Job, error) {
	id := c.ID("id", func(id string) bool { _, ok := AffinityGroupTable(c.Store).Get(id); return ok })
	name := c.String("name")
	if err := c.Err(); err != nil {
		return nil, err
	}
	if id == "" && name == "" {
		return nil, ErrParam("Either the affinity group Id or affinity group name must be specified")
	}
	if id == "" {
		g, ok := AffinityGroupTable(c.Store).Find(func(g *AffinityGroup) bool { return g.Name == name })
		if !ok {
			return nil, ErrParam("Unable to find affinity group by name %s", name)
		}
		id = g.ID
	}
	return &Job{InstanceType: "AffinityGroup", InstanceID: id, Complete: func(c *Call) (any, error) {
		if _, ok := AffinityGroupTable(c.Store).Get(id); !ok {
			return nil, ErrParam("Unable to find affinity group with id %s", id)
		}
		// Deleting a group that still has members is allowed: the memberships go with it.
		AffinityGroupTable(c.Store).Delete(id)
		return Success(), nil
	}}, nil
}

func listAffinityGroups(c *Call) (any, error) {
	typ := c.String("type")
	vmID := c.ID("virtualmachineid", func(id string) bool { return c.ResourceExists("UserVm", id) })
	if err := c.Err(); err != nil {
		return nil, err
	}
	return List(c, AffinityGroupTable(c.Store).All(), ListSpec[AffinityGroup]{
		ItemKey: "affinitygroup",
		ID:      func(g *AffinityGroup) string { return g.ID },
		Name:    func(g *AffinityGroup) string { return g.Name },
		Keyword: func(g *AffinityGroup) []string { return []string{g.Name} },
		Filter: func(g *AffinityGroup) bool {
			return (typ == "" || g.Type == typ) && (vmID == "" || contains(g.VMIDs, vmID))
		},
		Render: func(g *AffinityGroup) any { return renderAffinityGroup(c.Store, g) },
	})
}

type affinityGroupTypeView struct {
	Type string `json:"type"`
}

func listAffinityGroupTypes(c *Call) (any, error) {
	var types []*affinityGroupTypeView
	for _, t := range AffinityGroupTypes {
		types = append(types, &affinityGroupTypeView{Type: t})
	}
	// The server's item key is camel-case; cs-go matches it case-insensitively.
	return Page(types, 0, -1, "affinityGroupType", func(t *affinityGroupTypeView) any { return t }), nil
}
