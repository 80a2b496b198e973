package integration_test

import (
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// concurrentProcesses is how many CPI processes run at once: a director with a max_in_flight of 20
// deploying one instance group, all VMs sharing its automatic anti-affinity group.
const concurrentProcesses = 20

// It reads the simulator's inventory, so `make acceptance` leaves it out (--label-filter='!simulator').
var _ = Describe("concurrent CPI processes", Label("simulator"), func() {
	It("runs 20 VM and disk lifecycles against one CloudStack at once, with no error and nothing left behind", func() {
		t := startTarget(simulator.Options{Seed: vmSeed()})
		configPath := t.config(func(cs map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "custom"}
			cs["enable_auto_anti_affinity"] = true
		})
		stemcell := t.lightStemcell(configPath)
		before := t.snapshot()

		started := time.Now()
		var wg sync.WaitGroup
		for worker := range concurrentProcesses {
			wg.Go(func() {
				defer GinkgoRecover()
				concurrentLifecycle(t, configPath, stemcell, worker)
			})
		}
		wg.Wait()
		GinkgoWriter.Printf("%d concurrent create_vm/create_disk/attach_disk/detach_disk/delete_vm/delete_disk lifecycles took %s\n",
			concurrentProcesses, time.Since(started).Round(time.Millisecond))

		t.expectInventory(before)
		Expect(t.inventoryRows("affinitygroups")).To(BeEmpty(), "the last delete_vm removes the automatic anti-affinity group")
	})

	// The race behind the spec above, made certain: a create_vm has found the instance group's automatic
	// group and is about to deploy into it when a delete_vm of the group's last VM deletes the group.
	It("deploys into the automatic group even when a delete_vm removed it between the look-up and the deploy", func() {
		gate := newGateClock()
		t := startTarget(simulator.Options{Seed: vmSeed(), Clock: gate})
		DeferCleanup(gate.Release) // before the server closes, which waits for a held call
		configPath := t.config(func(cs map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "custom"}
			cs["enable_auto_anti_affinity"] = true
		})
		stemcell := t.lightStemcell(configPath)
		before := t.snapshot()
		createVM := func(agent string) cpiRun {
			return t.cpi(configPath, "create_vm", []any{agent, stemcell, map[string]any{"compute_offering": t.ComputeOffering},
				map[string]any{"default": dynamicNet(t.Network)}, []any{}, integrationEnv}, 2)
		}
		last := createVM("agent-last")
		Expect(last.Response.Error).To(BeNil(), "create_vm: %s", last.Stdout)
		lastVM := last.Response.Result.([]any)[0].(string)

		Expect(t.Sim.SetFaults(simulator.FaultConfig{Latency: map[string]simulator.Duration{"deployVirtualMachine": simulator.Duration(time.Millisecond)}})).To(Succeed())
		next := make(chan cpiRun, 1)
		go func() {
			defer GinkgoRecover()
			next <- createVM("agent-next")
		}()
		Eventually(gate.Held).WithTimeout(time.Minute).Should(Receive(), "the second create_vm's deploy reaches CloudStack")
		Expect(t.cpi(configPath, "delete_vm", []any{lastVM}, 2).Response.Error).To(BeNil())
		Expect(t.inventoryRows("affinitygroups")).To(BeEmpty(), "the group went with its last VM while the deploy was on its way")
		gate.Release()

		var run cpiRun
		Eventually(next).WithTimeout(time.Minute).Should(Receive(&run))
		Expect(run.Response.Error).To(BeNil(), "create_vm: %s\nstderr: %s", run.Stdout, run.Stderr)
		vmID := run.Response.Result.([]any)[0].(string)
		groups := t.inventoryRows("affinitygroups")
		Expect(groups).To(HaveLen(1))
		Expect(groups[0]["virtualmachineIds"]).To(ConsistOf(vmID))
		Expect(t.cpi(configPath, "delete_vm", []any{vmID}, 2).Response.Error).To(BeNil())
		t.expectInventory(before)
	})
})

// concurrentLifecycle is what the director does for one instance of the group: a VM with an ephemeral
// disk in the group's anti-affinity group, a persistent disk attached and detached, then both deleted.
func concurrentLifecycle(t *target, configPath, stemcell string, worker int) {
	call := func(method string, args ...any) any {
		run := t.cpi(configPath, method, args, 2)
		Expect(run.Response.Error).To(BeNil(), "process %d, %s: %s\nstderr: %s", worker, method, run.Stdout, run.Stderr)
		return run.Response.Result
	}
	vm := call("create_vm", fmt.Sprintf("agent-concurrent-%d", worker), stemcell,
		map[string]any{"compute_offering": t.ComputeOffering, "ephemeral_disk_size": 1024},
		map[string]any{"default": dynamicNet(t.Network)}, []any{}, integrationEnv).([]any)
	vmID := vm[0].(string)
	disk := call("create_disk", 1024, map[string]any{"disk_offering": "custom"}, vmID).(string)
	Expect(call("attach_disk", vmID, disk)).To(HaveKeyWithValue("path", Not(BeEmpty())), "process %d", worker)
	call("detach_disk", vmID, disk)
	call("delete_vm", vmID)
	call("delete_disk", disk)
}
