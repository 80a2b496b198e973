package integration_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// Each create_vm step failing in turn, injected with the simulator's faults: the answer says whether to
// retry, and the cloud holds nothing the call created.
var _ = Describe("create_vm failing in the simulator", Label("faults"), func() {
	if realCloudRequested() {
		return // faults are a simulator feature
	}

	var (
		t          *target
		configPath string
		stemcell   string
	)

	BeforeEach(func() {
		t = startTarget(simulator.Options{Seed: vmSeed()})
		configPath = t.config(func(cs map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "custom"}
			cs["enable_auto_anti_affinity"] = true
		})
		stemcell = t.lightStemcell(configPath)
	})

	// everything create_vm can make: an affinity group (the instance group's automatic one, which
	// delete_vm removes once empty), an ephemeral disk, a static NAT, a rule assignment.
	fullVM := func() []any {
		return createVMArgs(stemcell, map[string]any{"compute_offering": "Small Instance", "ephemeral_disk_size": 2048,
			"lbs": []any{map[string]any{"name": "web", "public_ip": "203.0.113.12", "public_port": 80, "private_port": 8080}}},
			map[string]any{"default": manualNet("10.1.1.60", "zone1-isolated", "10.1.1.1"), "public": map[string]any{"type": "vip", "ip": "203.0.113.11"}})
	}

	DescribeTable("leaves nothing behind",
		func(rule simulator.FaultRule, errorType string, retry bool, text string) {
			before := t.snapshot()
			Expect(t.Sim.AddFault(rule)).To(Succeed())
			run := t.cpi(configPath, "create_vm", fullVM(), 2)
			Expect(run.Response.Error).NotTo(BeNil(), "create_vm should fail: %s", run.Stdout)
			Expect(run.Response.Error.Type).To(Equal(errorType))
			Expect(*run.Response.Error.OkToRetry).To(Equal(retry))
			Expect(run.Response.Error.Message).To(ContainSubstring(text))
			Expect(run.Response.Error.Message).NotTo(ContainSubstring("cleanup could not remove"))
			Expect(t.Sim.CallCount(rule.Command)).To(BeNumerically(">=", 1), "the fault's command was never called")
			t.expectInventory(before)

			// The same request succeeds once the fault is gone, and delete_vm removes it all.
			again := t.cpi(configPath, "create_vm", fullVM(), 2)
			Expect(again.Response.Error).To(BeNil(), "create_vm after the fault: %s", again.Stdout)
			Expect(t.cpi(configPath, "delete_vm", []any{again.Response.Result.([]any)[0]}, 2).Response.Error).To(BeNil())
			t.expectInventory(before)
		},
		Entry("no capacity when the deploy job starts the VM", simulator.FaultRule{Command: "deployVirtualMachine", Nth: 1, Kind: "job", ErrorCode: 533,
			Message: "Unable to create a deployment for VM"}, "Bosh::Clouds::VMCreationFailed", true, "Unable to create a deployment for VM"),
		Entry("the deploy call refused", simulator.FaultRule{Command: "deployVirtualMachine", Nth: 1, Kind: "http", ErrorCode: 431,
			Message: "Unable to deploy"}, "Bosh::Clouds::CloudError", false, "Unable to deploy"),
		Entry("the affinity group not created", simulator.FaultRule{Command: "createAffinityGroup", Nth: 1, Kind: "http", ErrorCode: 530,
			Message: "affinity groups are broken"}, "Bosh::Clouds::CloudError", false, "affinity groups are broken"),
		Entry("the VM not tagged", simulator.FaultRule{Command: "createTags", Nth: 1, Kind: "job", ErrorCode: 530,
			Message: "tags are broken"}, "Bosh::Clouds::CloudError", false, "tags are broken"),
		Entry("the ephemeral disk not tagged", simulator.FaultRule{Command: "createTags", Nth: 2, Kind: "job", ErrorCode: 530,
			Message: "tags are broken"}, "Bosh::Clouds::CloudError", false, "tags are broken"),
		Entry("no static NAT", simulator.FaultRule{Command: "enableStaticNat", Nth: 1, Kind: "http", ErrorCode: 530,
			Message: "static NAT is broken"}, "Bosh::Clouds::CloudError", false, "static NAT is broken"),
		Entry("no load balancer rule", simulator.FaultRule{Command: "createLoadBalancerRule", Nth: 1, Kind: "http", ErrorCode: 530,
			Message: "load balancing is broken"}, "Bosh::Clouds::CloudError", false, "load balancing is broken"),
		Entry("the VM not assigned to the rule", simulator.FaultRule{Command: "assignToLoadBalancerRule", Nth: 1, Kind: "job", ErrorCode: 530,
			Message: "assignment is broken"}, "Bosh::Clouds::CloudError", false, "assignment is broken"),
	)

	It("removes a VM whose deploy outlasted create_vm's timeout, and says the director may retry", func() {
		slow := startTarget(simulator.Options{Seed: vmSeed(), JobDelays: map[string]time.Duration{"deployVirtualMachine": 1500 * time.Millisecond}})
		slowConfig := slow.config(func(cs map[string]any) {
			cs["timeout"] = map[string]any{"create_vm": 1}
		})
		slowStemcell := slow.lightStemcell(slowConfig)
		before := slow.snapshot()
		run := slow.cpi(slowConfig, "create_vm", createVMArgs(slowStemcell, map[string]any{"compute_offering": "Small Instance"},
			map[string]any{"default": dynamicNet("zone1-isolated")}), 2)
		Expect(run.Response.Error).NotTo(BeNil(), "create_vm should time out: %s", run.Stdout)
		Expect(run.Response.Error.Type).To(Equal("Bosh::Clouds::VMCreationFailed"))
		Expect(*run.Response.Error.OkToRetry).To(BeTrue())
		Expect(run.Response.Error.Message).To(ContainSubstring("gave up waiting"))
		slow.expectInventory(before)
	})

	It("refuses bad input before creating anything", func() {
		before := t.snapshot()
		calls := len(t.Sim.Calls())
		run := t.cpi(configPath, "create_vm", createVMArgs(stemcell, map[string]any{"compute_offering": "Small Instance"},
			map[string]any{"default": manualNet("10.9.9.9", "zone1-isolated", "10.9.9.1")}), 2)
		Expect(run.Response.Error).NotTo(BeNil())
		Expect(run.Response.Error.Message).To(ContainSubstring("networks.default.ip 10.9.9.9 is outside CloudStack network 'zone1-isolated' (10.1.1.0/24)"))
		for _, call := range t.Sim.Calls()[calls:] {
			Expect(call.Command).To(HavePrefix("list"), "bad input led to %s", call.Command)
		}
		t.expectInventory(before)
	})
})
