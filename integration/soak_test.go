package integration_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// The fault soak: many lifecycles against the simulator, each step with a random fault (an error
// answer, a failed job, a failed poll, a job that outlasts the CPI's timeout, a call that outlasts the
// HTTP timeout, throttling, a registry outage). After every call BOSH must get either success, with the
// effect there, or a typed error that fits the method, with nothing left of what the call made; the
// step is then retried without the fault, as the director or an operator would, and must succeed.
// Every lifecycle ends with the simulator's inventory and the registry as they were before it.
//
// Automatic anti-affinity groups are left out: when deleting the group a VM leaves empty fails after the
// VM is gone, delete_vm only logs it, and no retry can tell which group it was: a known leak.
//
// The faults come from a seed: CPI_SOAK_SEED replays a run (default: ginkgo's random seed), and
// CPI_SOAK_LIFECYCLES sets how many lifecycles run (default 12):
//
//	CPI_SOAK_SEED=1234 go tool ginkgo --focus soak integration
var _ = Describe("fault soak", Label("simulator", "soak"), func() {
	if realCloudRequested() {
		return // faults are a simulator feature
	}

	It("keeps what BOSH sees right and leaks nothing when any step of a lifecycle fails", func() {
		seed := soakSeed()
		replay := fmt.Sprintf("soak seed %d: replay with CPI_SOAK_SEED=%d go tool ginkgo --focus soak integration", seed, seed)
		AddReportEntry("soak seed", replay)
		GinkgoWriter.Println(replay)
		s := startSoak(seed)
		DeferCleanup(func() {
			if CurrentSpecReport().Failed() {
				fmt.Fprintf(os.Stderr, "\n%s\n", replay)
			}
		})

		for i := range soakLifecycles() {
			s.lifecycle(i)
		}
		s.report()
		// The soak proves something only if its faults hit the CPI.
		Expect(s.stats["fired"]).To(BeNumerically(">=", s.stats["injected"]/2),
			"%s: most faults should hit a call (%v)", replay, s.stats)
	})
})

func soakSeed() uint64 {
	if v := os.Getenv("CPI_SOAK_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		Expect(err).NotTo(HaveOccurred(), "CPI_SOAK_SEED=%q is not a number", v)
		return seed
	}
	return uint64(GinkgoRandomSeed())
}

func soakLifecycles() int {
	if v := os.Getenv("CPI_SOAK_LIFECYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		Expect(err).NotTo(HaveOccurred(), "CPI_SOAK_LIFECYCLES=%q is not a number", v)
		return n
	}
	return 12
}

// soak is the soak's simulator, registry, installed CPI and what it learnt.
type soak struct {
	seed     uint64
	rng      *rand.Rand
	t        *target
	registry *boshRegistry
	job      cpiJob
	slow     slowJobs
	delayer  *callDelayer
	stemcell unpackedStemcell
	// learned are the call sites of each step, from its runs without a fault.
	learned  map[string][]callSite
	baseline map[string][]string
	stats    map[string]int
	where    string // the current step, for failure messages
}

func startSoak(seed uint64) *soak {
	delays := map[string]time.Duration{}
	delayer := &callDelayer{}
	t := startTargetBehind(simulator.Options{JobDelays: delays}, func(sim http.Handler) http.Handler {
		delayer.next = sim
		return delayer
	})
	registry := startBoshRegistry()
	configPath := t.config(func(cs map[string]any) {
		cs["default_offer"] = map[string]any{"custom_disk": "custom", "ephemeral_disk": "custom"}
		cs["http_timeout"] = 1
		cs["polling"] = map[string]any{"initial_interval_ms": 10, "max_interval_ms": 100}
		timeouts := map[string]any{"poll_template": 10}
		for _, name := range []string{"create_vm", "delete_vm", "stop_vm", "reboot_vm", "create_volume", "delete_volume",
			"resize_volume", "attach_volume", "detach_volume", "snapshot_volume", "delete_snapshot_volume"} {
			timeouts[name] = soakTimeout
		}
		cs["timeout"] = timeouts
	})
	s := &soak{
		seed: seed, rng: rand.New(rand.NewPCG(seed, seed^0x50a4)), t: t, registry: registry,
		job: installCPIJob(withRegistry(configPath, registry)), slow: slowJobs{sim: t.Sim, delays: delays}, delayer: delayer,
		stemcell: t.lifecycleStemcell(), learned: map[string][]callSite{}, stats: map[string]int{},
	}
	s.baseline = t.inventoryKeys()
	return s
}

// lifecycle runs one lifecycle with a random caller: CPI API v1 to v3, stemcell API v1 (registry) or 3.
func (s *soak) lifecycle(index int) {
	r := &soakRun{s: s, index: index, stemcell: s.stemcell, caller: &boshCaller{kind: director, job: s.job,
		directorUUID: fmt.Sprintf("soak-%d", s.seed), cpiAPI: 1 + s.rng.IntN(3), stemcellAPI: []int{1, 3}[s.rng.IntN(2)]}}
	GinkgoWriter.Printf("lifecycle %d: CPI API v%d, stemcell API v%d\n", index, r.caller.cpiAPI, r.caller.stemcellAPI)
	for _, step := range r.steps() {
		s.step(r, step, index > 0) // the first lifecycle learns every step's calls
	}
	s.where = fmt.Sprintf("seed %d, end of lifecycle %d", s.seed, index)
	s.waitForJobs()
	Expect(s.t.inventoryChanges(s.baseline)).To(BeEmpty(), "%s: the simulator holds what the lifecycle made", s.where)
	s.t.expectInventoryKeys(s.baseline)
	Expect(s.registry.instances()).To(BeEmpty(), "%s: settings left in the registry", s.where)
}

// step runs one step, maybe with a fault, checks what BOSH sees, and retries it without the fault
// until it succeeds, as BOSH would.
func (s *soak) step(r *soakRun, step soakStep, withFaults bool) {
	before := s.t.Sim.Calls()
	keysBefore := s.t.inventoryKeys()
	registryBefore := s.registry.instances()
	registryRequests := s.registry.requestCount()
	var fault *soakFault
	if withFaults {
		fault = chooseFault(s.rng, s.learned[step.name], step.registry && r.registryMode())
	}
	s.where = fmt.Sprintf("seed %d, lifecycle %d (CPI API v%d, stemcell API v%d), %s, fault: %v",
		s.seed, r.index, r.caller.cpiAPI, r.caller.stemcellAPI, step.name, describeFault(fault))
	if fault != nil {
		s.inject(fault, before)
		s.stats["injected"]++
		s.stats["injected "+fault.kind]++
	}
	run := r.caller.call(step.method, step.args()...)
	s.disarm()
	records := s.t.Sim.Calls()[len(before):]
	fired := fault != nil && s.fired(fault, records, registryRequests)
	if fired {
		s.stats["fired"]++
	}
	if fault == nil {
		s.learned[step.name] = sortSites(append(s.learned[step.name], stepCalls(records)...))
	}
	s.waitForJobs()
	GinkgoWriter.Printf("  %s: fired=%t -> %s\n", s.where, fired, outcome(run))

	if fired && run.Response.Error == nil {
		s.stats["succeeded despite the fault"]++
	}
	for attempt := 1; run.Response.Error != nil; attempt++ {
		e := run.Response.Error
		if attempt > 1 && step.converged != nil && step.converged(e.Type) {
			s.stats["converged"]++
			break
		}
		Expect(attempt == 1 && fired).To(BeTrue(), "%s: attempt %d failed without a fault: %s\nstderr: %s", s.where, attempt, run.Stdout, run.Stderr)
		Expect(step.allowed).To(ContainElement(e.Type), "%s: BOSH got %s", s.where, run.Stdout)
		if fault.code == 431 {
			// CloudStack refused the request's parameters: the same request cannot do better.
			Expect(*e.OkToRetry).To(BeFalse(), "%s: a refused request is not worth retrying: %s", s.where, run.Stdout)
		}
		s.stats["failed as BOSH allows"]++
		s.expectNothingMade(step, keysBefore, registryBefore)

		run = r.caller.call(step.method, step.args()...)
		s.waitForJobs()
		GinkgoWriter.Printf("  retry: %s\n", outcome(run))
	}
	GinkgoWriter.Printf("  checking the outcome of %s\n", step.name)
	step.done(run.Response.Result)
}

// expectNothingMade checks that a failed step left no row in the tables it creates rows in, no static
// NAT of a VM that is gone, and no new settings in the registry.
func (s *soak) expectNothingMade(step soakStep, before map[string][]string, registryBefore []string) {
	for _, change := range s.t.inventoryChanges(before) {
		table, _, _ := strings.Cut(change, ":")
		Expect(step.creates).NotTo(ContainElement(table), "%s: the failed %s left %s", s.where, step.method, change)
	}
	if slices.Contains(step.creates, "virtualmachines") {
		for _, ip := range s.t.inventoryRows("publicips") {
			if ip["isstaticnat"] == true {
				Expect(s.t.inventoryRow("virtualmachines", ip["virtualmachineid"].(string))).NotTo(BeNil(),
					"%s: public IP %v is NATed to a VM that is gone", s.where, ip["ipaddress"])
			}
		}
		Expect(s.registry.instances()).To(ConsistOf(registryBefore), "%s: the failed create_vm left registry settings", s.where)
	}
}

func (s *soak) report() {
	keys := slices.Sorted(maps.Keys(s.stats))
	var lines []string
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("%s: %d", k, s.stats[k]))
	}
	summary := strings.Join(lines, ", ")
	AddReportEntry("soak", summary)
	GinkgoWriter.Println("soak:", summary)
}

func describeFault(f *soakFault) string {
	if f == nil {
		return "none"
	}
	return f.String()
}

func outcome(run cpiRun) string {
	if e := run.Response.Error; e != nil {
		return fmt.Sprintf("%s (ok_to_retry %t): %s", e.Type, *e.OkToRetry, e.Message)
	}
	return "success"
}
