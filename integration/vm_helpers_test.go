package integration_test

import (
	"encoding/json"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// integrationTemplate is the ready template the VM specs boot from on the simulator: create_stemcell
// turns it into a stemcell as a light stemcell.
const integrationTemplate = "integration-stemcell"

// vmSeed is the default simulator cloud plus a ready XenServer template in zone1.
func vmSeed() *simulator.Seed {
	seed := simulator.DefaultSeed()
	seed.Templates = append(seed.Templates, simulator.SeedTemplate{
		Name: integrationTemplate, Zones: []string{"zone1"}, OSType: "Other PV (64-bit)", Hypervisor: "XenServer", Format: "VHD",
	})
	return seed
}

// lightStemcell makes a stemcell of the target's template through the binary and returns its cid.
func (t *target) lightStemcell(configPath string) string {
	if t.Sim == nil {
		return t.uploadedStemcell(configPath) // a real cloud has no seeded template to name
	}
	run := t.cpi(configPath, "create_stemcell", []any{"/nonexistent/image",
		map[string]any{"name": "bosh-cloudstack-xen-ubuntu-jammy-go_agent", "version": "1.0", "light_template": integrationTemplate}}, 2)
	Expect(run.Response.Error).To(BeNil(), "create_stemcell: %s", run.Stdout)
	cid, ok := run.Response.Result.(string)
	Expect(ok).To(BeTrue(), "create_stemcell answered %v", run.Response.Result)
	return cid
}

// uploadedStemcell uploads CPI_CLOUDSTACK_STEMCELL (a stemcell tarball) through the binary, as the
// director does, and deletes it when the spec ends.
func (t *target) uploadedStemcell(configPath string) string {
	stemcell := t.lifecycleStemcell()
	run := t.cpi(configPath, "create_stemcell", []any{stemcell.imagePath, stemcell.manifest.CloudProperties}, 2)
	Expect(run.Response.Error).To(BeNil(), "create_stemcell: %s", run.Stdout)
	cid, ok := run.Response.Result.(string)
	Expect(ok).To(BeTrue(), "create_stemcell answered %v", run.Response.Result)
	DeferCleanup(func() {
		Expect(t.cpi(configPath, "delete_stemcell", []any{cid}, 2).Response.Error).To(BeNil())
	})
	return cid
}

// inventoryRows returns the live rows of one simulator table, decoded.
func (t *target) inventoryRows(table string) []map[string]any {
	Expect(t.Sim).NotTo(BeNil(), "inventory is a simulator feature")
	inv, err := t.Sim.Inventory()
	Expect(err).NotTo(HaveOccurred())
	var rows []map[string]any
	for _, raw := range inv[table] {
		var row map[string]any
		Expect(json.Unmarshal(raw, &row)).To(Succeed())
		rows = append(rows, row)
	}
	return rows
}

// inventoryRow is the row of table with that id; nil when there is none.
func (t *target) inventoryRow(table, id string) map[string]any {
	for _, row := range t.inventoryRows(table) {
		if row["id"] == id {
			return row
		}
	}
	return nil
}

// vmTables are the tables create_vm may add rows to.
var vmTables = []string{"virtualmachines", "volumes", "affinitygroups", "tags"}

// inventorySnapshot is the ids of the rows of vmTables.
type inventorySnapshot map[string][]string

func (t *target) snapshot() inventorySnapshot {
	snap := inventorySnapshot{}
	for _, table := range vmTables {
		ids := t.inventoryIDs(table)
		slices.Sort(ids)
		snap[table] = ids
	}
	return snap
}

// expectInventory checks that no row of vmTables was added since before, and that no public IP is
// static-NATed and no load balancer rule has members: create_vm and delete_vm leave nothing behind.
func (t *target) expectInventory(before inventorySnapshot) {
	Expect(t.snapshot()).To(Equal(before), "rows added to the simulator's tables")
	for _, ip := range t.inventoryRows("publicips") {
		Expect(ip["isstaticnat"]).To(BeFalse(), "public IP %v is still static-NATed", ip["ipaddress"])
	}
	for _, rule := range t.inventoryRows("loadbalancers") {
		Expect(rule["members"]).To(BeEmpty(), "load balancer rule %v still has members", rule["name"])
	}
}

// agentSettings is the user-data the simulator holds for a VM, decoded.
func (t *target) agentSettings(vmID string) map[string]any {
	data, ok := t.Sim.UserData()[vmID]
	Expect(ok).To(BeTrue(), "the simulator has no user-data for VM %s", vmID)
	var settings map[string]any
	Expect(json.Unmarshal([]byte(data), &settings)).To(Succeed())
	return settings
}

func manualNet(ip, cloudNetwork, gateway string) map[string]any {
	return map[string]any{"type": "manual", "ip": ip, "netmask": "255.255.255.0", "gateway": gateway, "dns": []string{"8.8.8.8"},
		"default": []string{"dns", "gateway"}, "cloud_properties": map[string]any{"name": cloudNetwork}}
}

func dynamicNet(cloudNetwork string) map[string]any {
	return map[string]any{"type": "dynamic", "cloud_properties": map[string]any{"name": cloudNetwork}}
}

var integrationEnv = map[string]any{"bosh": map[string]any{
	"group": "integration-director-cf-router", "groups": []string{"integration-director", "cf", "router",
		"integration-director-cf", "cf-router", "integration-director-cf-router"}, "password": "$6$integration",
}}

func createVMArgs(stemcell string, props, networks map[string]any) []any {
	return []any{"agent-integration", stemcell, props, networks, []any{}, integrationEnv}
}
