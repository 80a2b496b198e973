package integration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// cloudView reads the target through the project's CloudStack client, so the lifecycle checks what
// each method did the same way on the simulator and on a real cloud.
type cloudView struct {
	client *cloudstack.Client
	ctx    context.Context
}

func (t *target) view() cloudView {
	poll := 10 * time.Millisecond
	if t.Sim == nil {
		poll = time.Second
	}
	client, err := cloudstack.New(cloudstack.Options{Endpoint: t.Endpoint, APIKey: t.APIKey, SecretKey: t.SecretKey,
		PollInitialInterval: poll, PollMaxInterval: 20 * poll})
	Expect(err).NotTo(HaveOccurred())
	return cloudView{client: client, ctx: context.Background()}
}

// vm is the VM of that cid; found is false when CloudStack does not have it or it is on its way out
// (Destroyed, Expunging), which is how BOSH sees a deleted VM.
func (v cloudView) vm(cid string) (cloudstack.VM, bool) {
	vm, found, err := v.client.VMs().Get(v.ctx, cid)
	Expect(err).NotTo(HaveOccurred())
	return vm, found && !vm.Gone()
}

func (v cloudView) volume(cid string) (cloudstack.Volume, bool) {
	volume, found, err := v.client.Volumes().Get(v.ctx, cid)
	Expect(err).NotTo(HaveOccurred())
	return volume, found && !volume.Gone()
}

func (v cloudView) snapshotExists(cid string) bool {
	_, found, err := v.client.Snapshots().Get(v.ctx, cid)
	Expect(err).NotTo(HaveOccurred())
	return found
}

func (v cloudView) templateExists(cid string) bool {
	rows, err := v.client.Templates().ListInZones(v.ctx, cid)
	Expect(err).NotTo(HaveOccurred())
	return len(rows) > 0
}

func (v cloudView) tags(resourceType, id string) map[string]string {
	tags, err := v.client.Tags().List(v.ctx, resourceType, id)
	Expect(err).NotTo(HaveOccurred())
	return tags
}

func (v cloudView) network(nameOrID, zone string) cloudstack.Network {
	z, found, err := v.client.Zones().Find(v.ctx, zone)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), "zone %s", zone)
	network, found, err := v.client.Networks().Find(v.ctx, nameOrID, z.ID)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), "network %s in zone %s", nameOrID, zone)
	return network
}

// ledger remembers what a run created, to show at the end that the target holds none of it: every cid
// BOSH was given, and on the simulator the whole inventory as it was before the run.
type ledger struct {
	t                                  *target
	before                             map[string][]string
	templates, vms, volumes, snapshots []string
	registryBefore                     []string
	registry                           *boshRegistry
}

func (t *target) startLedger(registry *boshRegistry) *ledger {
	l := &ledger{t: t, registry: registry}
	if t.Sim != nil {
		l.before = t.inventoryKeys()
	}
	if registry != nil {
		l.registryBefore = registry.instances()
	}
	return l
}

// expectNothingLeft checks that nothing the run created is left: no template, VM, volume or snapshot
// of a cid it received, no settings in the registry, and on the simulator no row in any table that was
// not there before, no static NAT and no load balancer member.
func (l *ledger) expectNothingLeft(v cloudView) {
	for _, cid := range l.templates {
		Expect(v.templateExists(cid)).To(BeFalse(), "template %s is left", cid)
	}
	for _, cid := range l.vms {
		_, found := v.vm(cid)
		Expect(found).To(BeFalse(), "VM %s is left", cid)
	}
	for _, cid := range l.volumes {
		_, found := v.volume(cid)
		Expect(found).To(BeFalse(), "volume %s is left", cid)
	}
	for _, cid := range l.snapshots {
		Expect(v.snapshotExists(cid)).To(BeFalse(), "snapshot %s is left", cid)
	}
	if l.registry != nil {
		Expect(l.registry.instances()).To(ConsistOf(l.registryBefore), "settings left in the registry")
	}
	if l.t.Sim != nil {
		l.t.expectInventoryKeys(l.before)
	}
}

// inventoryKeys identifies every live row of every simulator table: by id, or by the whole row for
// tables without ids (tags). Empty tables are left out: the simulator makes some on first use.
func (t *target) inventoryKeys() map[string][]string {
	inv, err := t.Sim.Inventory()
	Expect(err).NotTo(HaveOccurred())
	keys := map[string][]string{}
	for table, rows := range inv {
		if len(rows) == 0 {
			continue
		}
		ids := []string{}
		for _, raw := range rows {
			var row struct {
				ID string `json:"id"`
			}
			Expect(json.Unmarshal(raw, &row)).To(Succeed())
			key := row.ID
			if key == "" {
				key = string(raw)
			}
			ids = append(ids, key)
		}
		slices.Sort(ids)
		keys[table] = ids
	}
	return keys
}

// expectInventoryKeys checks that the simulator holds the rows it held before and no others, with no
// public address NATed and no load balancer member.
func (t *target) expectInventoryKeys(before map[string][]string) {
	Expect(t.inventoryChanges(before)).To(BeEmpty(), "the simulator's tables differ from before the run")
	for _, ip := range t.inventoryRows("publicips") {
		Expect(ip["isstaticnat"]).To(BeFalse(), "public IP %v is still static-NATed", ip["ipaddress"])
	}
	for _, rule := range t.inventoryRows("loadbalancers") {
		Expect(rule["members"]).To(BeEmpty(), "load balancer rule %v still has members", rule["name"])
	}
}

// inventoryChanges lists, table by table, the rows added since before (with their content) and those
// gone: readable where a comparison of the whole inventory is not.
func (t *target) inventoryChanges(before map[string][]string) []string {
	after := t.inventoryKeys()
	var changes []string
	for _, table := range slices.Sorted(maps.Keys(mergeKeys(before, after))) {
		for _, key := range after[table] {
			if !slices.Contains(before[table], key) {
				changes = append(changes, fmt.Sprintf("%s: added %s", table, describeRow(t.inventoryRow(table, key), key)))
			}
		}
		for _, key := range before[table] {
			if !slices.Contains(after[table], key) {
				changes = append(changes, fmt.Sprintf("%s: removed %s", table, key))
			}
		}
	}
	return changes
}

func mergeKeys(a, b map[string][]string) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func describeRow(row map[string]any, key string) string {
	if row == nil {
		return key
	}
	data, _ := json.Marshal(row)
	return string(data)
}
