package integration_test

import (
	"fmt"

	. "github.com/onsi/gomega"
)

// soakStep is one method call of a soak lifecycle and what BOSH may see of it.
type soakStep struct {
	name   string // unique within the lifecycle: the key its call sites are learnt under
	method string
	args   func() []any
	// allowed are the error types BOSH may get when a fault hit the step.
	allowed []string
	// creates are the simulator tables a failed call must leave as they were.
	creates []string
	// registry: the step talks to the registry (in registry mode).
	registry bool
	// done checks a successful call against the simulator and records what it made.
	done func(result any)
	// converged accepts an error of a retry as the step's success, when it tells a truth a failed
	// earlier attempt brought about (detach_disk's DiskNotAttached once the disk is detached); done
	// then checks the effect with a nil result.
	converged func(errorType string) bool
}

const (
	cloudError       = "Bosh::Clouds::CloudError"
	vmCreationFailed = "Bosh::Clouds::VMCreationFailed"
	notSupported     = "Bosh::Clouds::NotSupported"
	noDiskSpace      = "Bosh::Clouds::NoDiskSpace"
	diskNotAttached  = "Bosh::Clouds::DiskNotAttached"
)

// soakRun is one lifecycle of the soak and the state BOSH keeps of it.
type soakRun struct {
	s        *soak
	index    int
	caller   *boshCaller
	stemcell unpackedStemcell

	stemcellCID, vmCID, vmName, diskCID, snapshotCID string
}

func (r *soakRun) registryMode() bool { return r.caller.stemcellAPI < 2 }

// steps is the lifecycle: the lifecycle suite's order, with one VM (manual network, vip, ephemeral
// disk) and one persistent disk.
func (r *soakRun) steps() []soakStep {
	t := r.s.t
	return []soakStep{
		{name: "create_stemcell", method: "create_stemcell", allowed: []string{cloudError}, creates: []string{"templates", "tags"},
			args: func() []any {
				args := []any{r.stemcell.imagePath, r.stemcell.manifest.CloudProperties}
				if r.caller.apiVersionUsed() >= 3 {
					args = append(args, map[string]any{"tags": map[string]any{"soak": fmt.Sprint(r.index)}})
				}
				return args
			},
			done: func(result any) {
				r.stemcellCID = mustString(result)
				Expect(t.inventoryRow("templates", r.stemcellCID)).To(HaveKeyWithValue("state", "Ready"))
			}},
		{name: "create_vm", method: "create_vm", allowed: []string{vmCreationFailed, cloudError}, registry: true,
			creates: []string{"virtualmachines", "volumes", "affinitygroups", "tags"},
			args: func() []any {
				return []any{fmt.Sprintf("agent-soak-%d", r.index), r.stemcellCID,
					map[string]any{"compute_offering": "Small Instance", "ephemeral_disk_size": 1024},
					map[string]any{"private": manualNet("10.1.1.50", "zone1-isolated", "10.1.1.1"),
						"public": map[string]any{"type": "vip", "ip": "203.0.113.11", "cloud_properties": map[string]any{}}},
					[]any{}, integrationEnv}
			},
			done: func(result any) {
				if r.caller.apiVersionUsed() < 2 {
					r.vmCID = mustString(result)
				} else {
					Expect(result).To(HaveLen(2))
					r.vmCID = mustString(result.([]any)[0])
				}
				vm := t.inventoryRow("virtualmachines", r.vmCID)
				Expect(vm).To(HaveKeyWithValue("state", "Running"))
				r.vmName = vm["name"].(string)
				Expect(natsOf(t, r.vmCID)).To(Equal([]any{"203.0.113.11"}))
				if r.registryMode() {
					Expect(r.s.registry.settingsOf(r.vmName)).To(HaveKeyWithValue("agent_id", fmt.Sprintf("agent-soak-%d", r.index)))
				} else {
					Expect(t.agentSettings(r.vmCID)).To(HaveKeyWithValue("agent_id", fmt.Sprintf("agent-soak-%d", r.index)))
				}
			}},
		{name: "has_vm", method: "has_vm", allowed: []string{cloudError}, args: func() []any { return []any{r.vmCID} },
			done: func(result any) { Expect(result).To(BeTrue(), "has_vm of a running VM") }},
		{name: "set_vm_metadata", method: "set_vm_metadata", allowed: []string{cloudError},
			args: func() []any {
				return []any{r.vmCID, map[string]any{"director": "soak", "deployment": "soak", "instance_group": "db", "index": "0",
					"name": fmt.Sprintf("db/%d", r.index)}}
			},
			done: func(any) {
				Expect(tagsOf(t, r.vmCID)).To(HaveKeyWithValue("deployment", "soak"))
				Expect(t.inventoryRow("virtualmachines", r.vmCID)).To(HaveKeyWithValue("displayname", fmt.Sprintf("db/%d", r.index)))
			}},
		{name: "create_disk", method: "create_disk", allowed: []string{cloudError, noDiskSpace}, creates: []string{"volumes", "tags"},
			args: func() []any { return []any{2048, map[string]any{"disk_offering": "custom"}, r.vmCID} },
			done: func(result any) {
				r.diskCID = mustString(result)
				volume := t.inventoryRow("volumes", r.diskCID)
				Expect(volume).NotTo(HaveKey("virtualmachineid"))
				Expect(tagsOf(t, r.diskCID)).To(HaveKeyWithValue("director_uuid", r.caller.directorUUID))
			}},
		r.attachStep("attach_disk"),
		{name: "get_disks", method: "get_disks", allowed: []string{cloudError}, args: func() []any { return []any{r.vmCID} },
			done: func(result any) { Expect(result).To(Equal([]any{r.diskCID})) }},
		{name: "has_disk", method: "has_disk", allowed: []string{cloudError}, args: func() []any { return []any{r.diskCID} },
			done: func(result any) { Expect(result).To(BeTrue(), "has_disk of an attached disk") }},
		{name: "set_disk_metadata", method: "set_disk_metadata", allowed: []string{cloudError},
			args: func() []any { return []any{r.diskCID, map[string]any{"deployment": "soak", "instance_group": "db"}} },
			done: func(any) { Expect(tagsOf(t, r.diskCID)).To(HaveKeyWithValue("instance_group", "db")) }},
		{name: "snapshot_disk", method: "snapshot_disk", allowed: []string{cloudError}, creates: []string{"snapshots", "tags"},
			args: func() []any { return []any{r.diskCID, map[string]any{"deployment": "soak", "job": "db", "index": 0}} },
			done: func(result any) {
				r.snapshotCID = mustString(result)
				Expect(t.inventoryRow("snapshots", r.snapshotCID)).To(HaveKeyWithValue("state", "BackedUp"))
			}},
		{name: "delete_snapshot", method: "delete_snapshot", allowed: []string{cloudError},
			args: func() []any { return []any{r.snapshotCID} },
			done: func(any) { Expect(t.inventoryRow("snapshots", r.snapshotCID)).To(BeNil()) }},
		{name: "detach_disk", method: "detach_disk", allowed: []string{cloudError}, registry: true,
			args: func() []any { return []any{r.vmCID, r.diskCID} },
			done: func(any) {
				Expect(t.inventoryRow("volumes", r.diskCID)).NotTo(HaveKey("virtualmachineid"))
				if r.registryMode() {
					Expect(r.s.registry.settingsOf(r.vmName)).To(HaveKeyWithValue("disks", HaveKeyWithValue("persistent", BeEmpty())))
				}
			},
			converged: func(errorType string) bool {
				return errorType == diskNotAttached && t.inventoryRow("volumes", r.diskCID)["virtualmachineid"] == nil
			}},
		{name: "resize_disk", method: "resize_disk", allowed: []string{cloudError, notSupported},
			args: func() []any { return []any{r.diskCID, 3072} },
			done: func(any) {
				Expect(t.inventoryRow("volumes", r.diskCID)).To(HaveKeyWithValue("size", BeEquivalentTo(3<<30)))
			}},
		r.attachStep("attach_disk again"),
		{name: "reboot_vm", method: "reboot_vm", allowed: []string{cloudError}, args: func() []any { return []any{r.vmCID} },
			done: func(any) { Expect(t.inventoryRow("virtualmachines", r.vmCID)).To(HaveKeyWithValue("state", "Running")) }},
		{name: "delete_vm", method: "delete_vm", allowed: []string{cloudError}, registry: true,
			args: func() []any { return []any{r.vmCID} },
			done: func(any) {
				Expect(t.inventoryRow("virtualmachines", r.vmCID)).To(BeNil())
				Expect(t.inventoryRow("volumes", r.diskCID)).NotTo(BeNil(), "delete_vm never deletes a persistent disk")
				Expect(t.inventoryRow("volumes", r.diskCID)).NotTo(HaveKey("virtualmachineid"))
				Expect(r.s.registry.settingsOf(r.vmName)).To(BeNil())
			}},
		{name: "delete_disk", method: "delete_disk", allowed: []string{cloudError}, args: func() []any { return []any{r.diskCID} },
			done: func(any) { Expect(t.inventoryRow("volumes", r.diskCID)).To(BeNil()) }},
		{name: "delete_stemcell", method: "delete_stemcell", allowed: []string{cloudError},
			args: func() []any { return []any{r.stemcellCID} },
			done: func(any) { Expect(t.inventoryRow("templates", r.stemcellCID)).To(BeNil()) }},
	}
}

// attachStep attaches the disk to the VM: the hint must name the device CloudStack reports.
func (r *soakRun) attachStep(name string) soakStep {
	t := r.s.t
	return soakStep{name: name, method: "attach_disk", allowed: []string{cloudError}, registry: true,
		args: func() []any { return []any{r.vmCID, r.diskCID} },
		done: func(result any) {
			volume := t.inventoryRow("volumes", r.diskCID)
			Expect(volume).To(HaveKeyWithValue("virtualmachineid", r.vmCID))
			device := int(volume["deviceid"].(float64))
			hint := map[string]any{"path": "/dev/xvd" + string(rune('a'+device)), "volume_id": fmt.Sprint(device)}
			if r.caller.apiVersionUsed() >= 2 {
				Expect(result).To(Equal(hint))
			} else {
				Expect(result).To(BeNil())
			}
			if r.registryMode() {
				Expect(r.s.registry.settingsOf(r.vmName)).To(HaveKeyWithValue("disks", HaveKeyWithValue("persistent",
					HaveKeyWithValue(r.diskCID, hint))))
			}
		}}
}

func mustString(v any) string {
	s, ok := v.(string)
	Expect(ok).To(BeTrue(), "expected a cid string, got %#v", v)
	return s
}

// natsOf lists the public addresses statically NATed to a VM.
func natsOf(t *target, vmID string) []any {
	addresses := []any{}
	for _, ip := range t.inventoryRows("publicips") {
		if ip["isstaticnat"] == true && ip["virtualmachineid"] == vmID {
			addresses = append(addresses, ip["ipaddress"])
		}
	}
	return addresses
}
