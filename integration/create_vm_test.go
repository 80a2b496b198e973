package integration_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("create_vm and delete_vm through the binary", func() {
	var (
		t          *target
		configPath string
		stemcell   string
	)

	BeforeEach(func() {
		t = startTarget(simulator.Options{Seed: vmSeed()})
		configPath = t.config(func(cs map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "custom"}
		})
		stemcell = t.lightStemcell(configPath)
	})

	It("boots a VM on a dynamic network and deletes it again", func() {
		var before inventorySnapshot
		if t.Sim != nil {
			before = t.snapshot()
		}
		run := t.cpi(configPath, "create_vm", createVMArgs(stemcell, map[string]any{"compute_offering": t.ComputeOffering},
			map[string]any{"default": dynamicNet(t.Network)}), 2)
		Expect(run.Response.Error).To(BeNil(), "create_vm: %s", run.Stdout)
		result := run.Response.Result.([]any)
		vmID := result[0].(string)
		network := result[1].(map[string]any)["default"].(map[string]any)
		Expect(network["ip"]).NotTo(BeEmpty())
		Expect(network["mac"]).To(MatchRegexp(`^([0-9a-f]{2}:){5}[0-9a-f]{2}$`))

		Expect(t.cpi(configPath, "delete_vm", []any{vmID}, 2).Response.Error).To(BeNil())
		again := t.cpi(configPath, "delete_vm", []any{vmID}, 2)
		Expect(again.Response.Error).To(BeNil(), "a deleted VM deletes again: %s", again.Stdout)
		if t.Sim != nil {
			t.expectInventory(before)
		}
	})

	if realCloudRequested() {
		return // the rest needs the simulator's addresses, inventory and user-data
	}

	It("boots a VM with a static address, a vip and an ephemeral disk, tells its agent everything, and removes it all", func() {
		before := t.snapshot()
		run := t.cpi(configPath, "create_vm", createVMArgs(stemcell,
			map[string]any{"compute_offering": "Small Instance", "ephemeral_disk_size": 4096},
			map[string]any{
				"private": manualNet("10.1.1.50", "zone1-isolated", "10.1.1.1"),
				"public":  map[string]any{"type": "vip", "ip": "203.0.113.11"},
			}), 3)
		Expect(run.Response.Error).To(BeNil(), "create_vm: %s", run.Stdout)
		result := run.Response.Result.([]any)
		vmID := result[0].(string)
		networks := result[1].(map[string]any)
		Expect(networks["private"]).To(HaveKeyWithValue("ip", "10.1.1.50"))
		Expect(networks["public"]).To(Equal(map[string]any{"type": "vip", "ip": "203.0.113.11"}))

		vm := t.inventoryRow("virtualmachines", vmID)
		Expect(vm).To(HaveKeyWithValue("state", "Running"))
		settings := t.agentSettings(vmID)
		Expect(settings).To(HaveKeyWithValue("agent_id", "agent-integration"))
		Expect(settings).To(HaveKeyWithValue("vm", map[string]any{"name": vm["name"]}))
		Expect(settings["env"]).To(HaveKeyWithValue("bosh", HaveKeyWithValue("group", "integration-director-cf-router")))
		Expect(settings["disks"]).To(Equal(map[string]any{"system": "/dev/xvda", "ephemeral": map[string]any{"path": "/dev/xvdb", "volume_id": "1"},
			"persistent": map[string]any{}}))
		Expect(settings["networks"]).To(HaveKeyWithValue("private", HaveKeyWithValue("ip", "10.1.1.50")))

		var ephemeral map[string]any
		for _, v := range t.inventoryRows("volumes") {
			if v["virtualmachineid"] == vmID && v["type"] == "DATADISK" {
				ephemeral = v
			}
		}
		Expect(ephemeral).NotTo(BeNil(), "the deploy made no ephemeral disk")
		Expect(ephemeral["size"]).To(BeEquivalentTo(4 << 30))
		Expect(tagsOf(t, ephemeral["id"].(string))).To(HaveKeyWithValue("bosh_ephemeral", "true"))
		Expect(tagsOf(t, vmID)).To(And(HaveKeyWithValue("director_uuid", "integration-director"), HaveKeyWithValue("bosh_managed", "true"),
			HaveKeyWithValue("deployment", "cf"), HaveKeyWithValue("instance_group", "router")))
		var natted []any
		for _, ip := range t.inventoryRows("publicips") {
			if ip["isstaticnat"] == true {
				natted = append(natted, ip["ipaddress"], ip["virtualmachineid"])
			}
		}
		Expect(natted).To(Equal([]any{"203.0.113.11", vmID}))

		Expect(t.cpi(configPath, "delete_vm", []any{vmID}, 3).Response.Error).To(BeNil())
		t.expectInventory(before)
	})

	It("gives a VM with two networks the MACs its agent is told", func() {
		before := t.snapshot()
		second := dynamicNet("zone1-shared")
		run := t.cpi(configPath, "create_vm", createVMArgs(stemcell, map[string]any{"compute_offering": "Small Instance"},
			map[string]any{"first": manualNet("10.1.1.51", "zone1-isolated", "10.1.1.1"), "second": second}), 2)
		Expect(run.Response.Error).To(BeNil(), "create_vm: %s", run.Stdout)
		vmID := run.Response.Result.([]any)[0].(string)

		nics := t.inventoryRow("virtualmachines", vmID)["nics"].([]any)
		Expect(nics).To(HaveLen(2))
		settings := t.agentSettings(vmID)["networks"].(map[string]any)
		macOf := func(nic any) string { return nic.(map[string]any)["macaddress"].(string) }
		Expect(nics[0]).To(HaveKeyWithValue("isdefault", true))
		Expect(settings["first"]).To(HaveKeyWithValue("mac", macOf(nics[0])))
		Expect(settings["second"]).To(HaveKeyWithValue("mac", macOf(nics[1])))
		Expect(run.Response.Result.([]any)[1]).To(HaveKeyWithValue("second", HaveKeyWithValue("mac", macOf(nics[1]))))

		Expect(t.cpi(configPath, "delete_vm", []any{vmID}, 2).Response.Error).To(BeNil())
		t.expectInventory(before)
	})

	It("creates a load balancer rule, puts the VM behind it, and takes it off with the VM", func() {
		before := t.snapshot()
		run := t.cpi(configPath, "create_vm", createVMArgs(stemcell, map[string]any{"compute_offering": "Small Instance",
			"lbs": []any{map[string]any{"name": "web", "public_ip": "203.0.113.12", "public_port": 80, "private_port": 8080}}},
			map[string]any{"default": manualNet("10.1.1.52", "zone1-isolated", "10.1.1.1")}), 1)
		Expect(run.Response.Error).To(BeNil(), "create_vm: %s", run.Stdout)
		vmID := run.Response.Result.(string)
		rules := t.inventoryRows("loadbalancers")
		Expect(rules).To(HaveLen(1))
		Expect(rules[0]["members"]).To(ConsistOf(HaveKeyWithValue("virtualmachineid", vmID)))

		Expect(t.cpi(configPath, "delete_vm", []any{vmID}, 1).Response.Error).To(BeNil())
		t.expectInventory(before)
	})

	It("attaches a separate ephemeral volume before the first boot in volume mode", func() {
		volumeConfig := t.config(func(cs map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "custom"}
			cs["ephemeral_disk_mode"] = "volume"
		})
		before := t.snapshot()
		run := t.cpi(volumeConfig, "create_vm", createVMArgs(stemcell, map[string]any{"compute_offering": "Small Instance", "ephemeral_disk_size": 2048},
			map[string]any{"default": dynamicNet("zone1-isolated")}), 2)
		Expect(run.Response.Error).To(BeNil(), "create_vm: %s", run.Stdout)
		vmID := run.Response.Result.([]any)[0].(string)
		Expect(t.inventoryRow("virtualmachines", vmID)).To(HaveKeyWithValue("state", "Running"))
		Expect(t.cpi(volumeConfig, "delete_vm", []any{vmID}, 2).Response.Error).To(BeNil())
		t.expectInventory(before)
	})

	It("destroys without expunge when CloudStack refuses the account expunging, and the VM counts as gone", func() {
		run := t.cpi(configPath, "create_vm", createVMArgs(stemcell, map[string]any{"compute_offering": "Small Instance"},
			map[string]any{"default": dynamicNet("zone1-isolated")}), 2)
		Expect(run.Response.Error).To(BeNil(), "create_vm: %s", run.Stdout)
		vmID := run.Response.Result.([]any)[0].(string)
		Expect(t.Sim.AddFault(simulator.FaultRule{Command: "destroyVirtualMachine", Nth: 1, Kind: "job", ErrorCode: 530,
			Message: "Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set."})).To(Succeed())
		deleted := t.cpi(configPath, "delete_vm", []any{vmID}, 2)
		Expect(deleted.Response.Error).To(BeNil(), "delete_vm: %s", deleted.Stdout)
		Expect(deleted.Stderr).To(ContainSubstring("refuses to expunge"))
		Expect(t.inventoryRow("virtualmachines", vmID)).To(HaveKeyWithValue("state", "Destroyed"))
		Expect(t.cpi(configPath, "delete_vm", []any{vmID}, 2).Response.Error).To(BeNil())
	})
})

// tagsOf is the tags the simulator holds for a resource.
func tagsOf(t *target, resourceID string) map[string]string {
	tags := map[string]string{}
	for _, tag := range t.inventoryRows("tags") {
		if tag["resourceid"] == resourceID {
			tags[tag["key"].(string)] = tag["value"].(string)
		}
	}
	return tags
}
