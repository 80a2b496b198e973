package bench_test

import (
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// concurrentLifecycles is the number of CPI process chains run at once: a director with max_in_flight 20.
const concurrentLifecycles = 20

// Issue 8 asks for the wall time of 20 parallel create_vm/attach/detach/delete_vm processes against one
// simulator (200 ms jobs, default polling), sharing one automatic anti-affinity group. Goal: no error, no
// leak, and a wall time close to one lifecycle's, i.e. the processes do not wait for each other. One
// lifecycle alone is measured first for that comparison.
var _ = Describe("20 concurrent lifecycles (issue 8)", func() {
	It("runs them all at once without errors or leaks", func() {
		t := startSimTarget(jobDelay, func(cs map[string]any) { cs["enable_auto_anti_affinity"] = true })
		volumesBefore := t.liveRows("volumes")

		start := time.Now()
		t.lifecycle(0)
		alone := time.Since(start)

		start = time.Now()
		var wg sync.WaitGroup
		for i := range concurrentLifecycles {
			wg.Go(func() {
				defer GinkgoRecover()
				t.lifecycle(i + 1)
			})
		}
		wg.Wait()
		together := time.Since(start)

		Expect(t.liveRows("virtualmachines")).To(BeZero(), "VMs left behind")
		Expect(t.liveRows("volumes")).To(Equal(volumesBefore), "volumes left behind")
		Expect(t.liveRows("affinitygroups")).To(BeZero(), "affinity groups left behind")
		GinkgoWriter.Printf("BENCH %d concurrent lifecycles: %s; one alone: %s\n", concurrentLifecycles, together.Round(time.Millisecond), alone.Round(time.Millisecond))
		report(fmt.Sprintf("concurrent_%d_lifecycles_wall_ms", concurrentLifecycles), ms(together))
		report("one_lifecycle_alone_wall_ms", ms(alone))
		report(fmt.Sprintf("concurrent_%d_lifecycles_vs_one_ratio", concurrentLifecycles), together.Seconds()/alone.Seconds())
	})
})

// lifecycle is what the director does for one instance: create_vm (in the group's anti-affinity group),
// create_disk, attach_disk, detach_disk, delete_vm, delete_disk, each a process of its own.
func (t *simTarget) lifecycle(host int) {
	vm := t.mustCall("create_vm", fmt.Sprintf("agent-bench-%d", host), t.stemcell, benchVMProperties, benchNetworks(host), []any{}, benchEnv).([]any)[0].(string)
	disk := t.mustCall("create_disk", 2048, map[string]any{}, vm).(string)
	t.mustCall("attach_disk", vm, disk)
	t.mustCall("detach_disk", vm, disk)
	t.mustCall("delete_vm", vm)
	t.mustCall("delete_disk", disk)
}

// liveRows counts the live rows of one simulator table.
func (t *simTarget) liveRows(table string) int {
	inv, err := t.sim.Inventory()
	Expect(err).NotTo(HaveOccurred())
	return len(inv[table])
}
