package integration_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// The soak's faults. Each step of a lifecycle gets at most one, chosen from the seed among the
// CloudStack calls that step made when it last ran without one, so every fault lands on a call the
// CPI really makes and a seed replays the same faults.

// soakSlowJob is how long a slowed job takes, and soakTimeout the CPI's bound on every job wait in the
// soak's config (whole seconds are all it takes): a slowed job always outlasts the wait.
const (
	soakTimeout       = 1 // seconds
	soakSlowJob       = 1300 * time.Millisecond
	soakLatency       = 1200 * time.Millisecond // beyond the soak's http_timeout of 1 s
	soakThrottleEvery = 200 * time.Millisecond
)

// callSite is the n-th call of a command within one step. Polls (queryAsyncJobResult) are not call
// sites: how many there are depends on timing.
type callSite struct {
	command    string
	occurrence int
	async      bool
}

// soakFault is one injected failure.
type soakFault struct {
	kind string // http, job, poll, slow-job, http-timeout, throttle, registry
	site callSite
	nth  int // the simulator's absolute call number (http, job, poll)
	code int
	max  int // throttle: calls allowed per window
}

func (f soakFault) String() string {
	switch f.kind {
	case "throttle":
		return fmt.Sprintf("throttle to %d calls per %s", f.max, soakThrottleEvery)
	case "registry":
		return "the registry answers 500 once"
	case "slow-job":
		return fmt.Sprintf("%s jobs take %s", f.site.command, soakSlowJob)
	case "http-timeout":
		return fmt.Sprintf("%s answers after %s", f.site.command, soakLatency)
	case "poll":
		return fmt.Sprintf("queryAsyncJobResult call %d of the step answers %d", f.site.occurrence, f.code)
	}
	return fmt.Sprintf("%s on call %d of %s in the step (error %d)", f.kind, f.site.occurrence, f.site.command, f.code)
}

// slowJobs is the soak simulator's per-command job delays (Options.JobDelays). The simulator reads the
// map under its lock when a job starts, so the soak changes it under the same lock (Server.Do).
type slowJobs struct {
	sim    *simulator.Server
	delays map[string]time.Duration
}

func (s slowJobs) set(command string, d time.Duration) {
	s.sim.Do(func(*simulator.Store) { s.delays[command] = d })
}

func (s slowJobs) clear() {
	s.sim.Do(func(*simulator.Store) { clear(s.delays) })
}

// stepCalls is what a step made: its call sites in a stable order, so that a seed picks the same one.
func stepCalls(records []simulator.CallRecord) []callSite {
	seen := map[string]int{}
	var sites []callSite
	for _, r := range records {
		if r.Command == "queryAsyncJobResult" || r.ErrorCode == 429 {
			continue
		}
		seen[r.Command]++
		sites = append(sites, callSite{command: r.Command, occurrence: seen[r.Command], async: r.JobID != ""})
	}
	return sortSites(sites)
}

func sortSites(sites []callSite) []callSite {
	slices.SortFunc(sites, func(a, b callSite) int {
		return cmp.Or(cmp.Compare(a.command, b.command), cmp.Compare(a.occurrence, b.occurrence))
	})
	return slices.CompactFunc(sites, func(a, b callSite) bool { return a.command == b.command && a.occurrence == b.occurrence })
}

// counted is how many calls of command the simulator's fault rules have numbered: every logged call
// but those throttling refused (the soak never injects 429 itself).
func counted(records []simulator.CallRecord, command string) int {
	n := 0
	for _, r := range records {
		if r.Command == command && r.ErrorCode != 429 {
			n++
		}
	}
	return n
}

// chooseFault picks the step's fault, or none. sites are the step's calls without a fault;
// usesRegistry says whether the step talks to the registry in this run.
func chooseFault(rng *rand.Rand, sites []callSite, usesRegistry bool) *soakFault {
	if len(sites) == 0 || rng.Float64() >= 0.6 {
		return nil
	}
	var async []callSite
	for _, s := range sites {
		if s.async {
			async = append(async, s)
		}
	}
	var lists []callSite
	for _, s := range sites {
		if len(s.command) > 4 && s.command[:4] == "list" {
			lists = append(lists, s)
		}
	}
	pick := func(from []callSite) callSite { return from[rng.IntN(len(from))] }
	// Weights: the cheap faults most, those that cost a timeout (a second or more each) least. A kind
	// the step cannot have (no async job, no list call, no registry) becomes an error answer.
	roll := rng.IntN(100)
	switch {
	case roll < 25:
		if len(async) > 0 {
			return &soakFault{kind: "job", site: pick(async), code: []int{530, 533}[rng.IntN(2)]}
		}
	case roll < 35:
		if len(async) > 0 {
			return &soakFault{kind: "poll", site: callSite{command: "queryAsyncJobResult", occurrence: 1 + rng.IntN(len(async))},
				code: []int{530, 503, 431}[rng.IntN(3)]}
		}
	case roll < 40:
		if len(async) > 0 {
			return &soakFault{kind: "slow-job", site: pick(async)}
		}
	case roll < 43:
		if len(lists) > 0 {
			return &soakFault{kind: "http-timeout", site: pick(lists)}
		}
	case roll < 55:
		return &soakFault{kind: "throttle", max: 1 + rng.IntN(3)}
	case roll < 60:
		if usesRegistry {
			return &soakFault{kind: "registry"}
		}
	}
	return &soakFault{kind: "http", site: pick(sites), code: []int{431, 530, 533, 535, 503}[rng.IntN(5)]}
}

// inject arms the fault; records is the call log before the step.
func (s *soak) inject(f *soakFault, records []simulator.CallRecord) {
	switch f.kind {
	case "http", "job", "poll":
		f.nth = counted(records, f.site.command) + f.site.occurrence
		kind := f.kind
		if kind == "poll" {
			kind = "http"
		}
		Expect(s.t.Sim.AddFault(simulator.FaultRule{Command: f.site.command, Nth: f.nth, Kind: kind, ErrorCode: f.code})).To(Succeed())
	case "slow-job":
		s.slow.set(f.site.command, soakSlowJob)
	case "http-timeout":
		s.delayer.arm(f.site.command, f.site.occurrence)
	case "throttle":
		Expect(s.t.Sim.SetFaults(simulator.FaultConfig{Throttle: &simulator.Throttle{
			Max: f.max, Interval: simulator.Duration(soakThrottleEvery)}})).To(Succeed())
	case "registry":
		s.registry.failRequests(1)
	}
}

// disarm removes every fault, once the step's call returned.
func (s *soak) disarm() {
	s.delayer.disarm()
	Expect(s.t.Sim.SetFaults(simulator.FaultConfig{})).To(Succeed())
	s.slow.clear()
	s.registry.failRequests(0)
}

// fired reports whether the fault hit a call of the step (records: the step's calls).
func (s *soak) fired(f *soakFault, records []simulator.CallRecord, registryBefore int) bool {
	switch f.kind {
	case "http", "poll":
		n := 0
		for _, r := range records {
			if r.Command == f.site.command && r.ErrorCode != 429 {
				n++
				if n == f.site.occurrence {
					return r.ErrorCode == f.code
				}
			}
		}
	case "job":
		return slices.ContainsFunc(records, func(r simulator.CallRecord) bool {
			return r.Command == f.site.command && r.JobID != "" && s.jobFailed(r.JobID)
		})
	case "slow-job":
		return slices.ContainsFunc(records, func(r simulator.CallRecord) bool { return r.Command == f.site.command })
	case "http-timeout":
		return s.delayer.hasFired()
	case "throttle":
		return slices.ContainsFunc(records, func(r simulator.CallRecord) bool { return r.ErrorCode == 429 })
	case "registry":
		return s.registry.requestCount() > registryBefore
	}
	return false
}

func (s *soak) jobFailed(jobID string) bool {
	for _, j := range s.t.Sim.Jobs() {
		if j.JobID == jobID {
			return j.JobStatus == 2
		}
	}
	return false
}

// waitForJobs waits until no job is pending: a slowed job goes on after the CPI stopped waiting, and
// what it does is part of the outcome.
func (s *soak) waitForJobs() {
	Eventually(func() int {
		pending := 0
		for _, j := range s.t.Sim.Jobs() {
			if j.JobStatus == 0 {
				pending++
			}
		}
		return pending
	}).WithTimeout(30*time.Second).WithPolling(20*time.Millisecond).Should(BeZero(), "jobs still pending")
}

// callDelayer holds one chosen API call back for longer than the CPI's HTTP timeout before the simulator
// answers it: one slow answer, where the simulator's latency setting slows every call of a command
// (cleanups included). Only list calls are held, so the late answer changes nothing.
type callDelayer struct {
	next http.Handler

	mu         sync.Mutex
	command    string
	occurrence int
	seen       int
	fired      bool
	inFlight   sync.WaitGroup
}

func (d *callDelayer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/client/api" && r.ParseForm() == nil && d.take(r.Form.Get("command")) {
		defer d.inFlight.Done()
		time.Sleep(soakLatency) // the fault itself: a server that answers late
	}
	d.next.ServeHTTP(w, r)
}

func (d *callDelayer) take(command string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.command == "" || command != d.command {
		return false
	}
	d.seen++
	if d.seen != d.occurrence {
		return false
	}
	d.fired = true
	d.inFlight.Add(1)
	return true
}

func (d *callDelayer) hasFired() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fired
}

func (d *callDelayer) arm(command string, occurrence int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.command, d.occurrence, d.seen, d.fired = command, occurrence, 0, false
}

// disarm stops delaying and waits until the held call has reached the simulator, so that the call
// counts the next fault is placed by include it.
func (d *callDelayer) disarm() {
	d.mu.Lock()
	d.command = ""
	d.mu.Unlock()
	d.inFlight.Wait()
}
