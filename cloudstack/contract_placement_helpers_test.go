package cloudstack_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// addVM puts a Running VM with one NIC at ip in the named network straight
// into the simulator's store and returns its id. The VM wrapper is written
// elsewhere and the simulator deploys only templates its template family
// knows; static NAT, load balancers and affinity groups see such a VM exactly
// like a deployed one.
func (env *simEnv) addVM(name, network, ip string) string {
	var id, problem string
	env.sim.Do(func(st *simulator.Store) {
		n, ok := simulator.LookupNetwork(st, network)
		if !ok {
			problem = "the simulator has no network " + network
			return
		}
		id = simulator.NewUUID()
		simulator.VMTable(st).Put(id, &simulator.VM{
			ID: id, Name: name, DisplayName: name, ZoneID: n.ZoneID, State: simulator.VMRunning,
			NICs:    []simulator.NIC{{ID: simulator.NewUUID(), NetworkID: n.ID, IPAddress: ip, IsDefault: true}},
			Created: simulator.FormatTime(st.Now()),
		})
	})
	Expect(problem).To(BeEmpty())
	return id
}

// joinAffinityGroup records what deployVirtualMachine does with affinitygroupids.
func (env *simEnv) joinAffinityGroup(groupID, vmID string) {
	env.sim.Do(func(st *simulator.Store) { simulator.AddAffinityGroupMember(st, groupID, vmID) })
}

// expungeVM does to the store what expunging a VM does: the row is removed
// (its id keeps resolving), its group memberships, static NAT and load
// balancer assignments go.
func (env *simEnv) expungeVM(vmID string) {
	env.sim.Do(func(st *simulator.Store) {
		if vm, ok := simulator.VMTable(st).Get(vmID); ok {
			vm.State = simulator.VMExpunging
			vm.Removed = simulator.FormatTime(st.Now())
		}
		simulator.RemoveVMFromAffinityGroups(st, vmID)
		simulator.ReleaseVMNetworking(st, vmID)
	})
}

// networkID returns the id of a seeded guest network.
func (env *simEnv) networkID(name string) string {
	var id string
	env.sim.Do(func(st *simulator.Store) {
		if n, ok := simulator.LookupNetwork(st, name); ok {
			id = n.ID
		}
	})
	Expect(id).NotTo(BeEmpty(), "network %s", name)
	return id
}

// affinityGroupsNamed counts the simulator's groups of that name.
func (env *simEnv) affinityGroupsNamed(name string) int {
	n := 0
	env.sim.Do(func(st *simulator.Store) {
		for _, g := range simulator.AffinityGroupTable(st).All() {
			if g.Name == name {
				n++
			}
		}
	})
	return n
}

// zoneID returns the id of a seeded zone.
func (env *simEnv) zoneID(name string) string {
	var id string
	env.sim.Do(func(st *simulator.Store) {
		if z, ok := simulator.LookupZone(st, name); ok {
			id = z.ID
		}
	})
	Expect(id).NotTo(BeEmpty(), "zone %s", name)
	return id
}

// requestBarrier answers the first n requests for command only once all n
// have been served: a way to make concurrent callers all see the state from
// before any of them acts on what they saw. A guard of 30 s keeps a broken
// test from hanging; timedOut reports that it fired.
type requestBarrier struct {
	next    http.Handler
	command string
	n       int

	mu      sync.Mutex
	served  int
	open    chan struct{}
	expired bool
}

func newRequestBarrier(next http.Handler, command string, n int) *requestBarrier {
	return &requestBarrier{next: next, command: command, n: n, open: make(chan struct{})}
}

func (b *requestBarrier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.URL.Query().Get("command"), b.command) {
		b.next.ServeHTTP(w, r)
		return
	}
	answer := httptest.NewRecorder()
	b.next.ServeHTTP(answer, r)
	b.mu.Lock()
	b.served++
	held := b.served <= b.n
	if b.served == b.n {
		close(b.open)
	}
	b.mu.Unlock()
	if held {
		select {
		case <-b.open:
		case <-time.After(30 * time.Second):
			b.mu.Lock()
			b.expired = true
			b.mu.Unlock()
		}
	}
	for key, values := range answer.Header() {
		w.Header()[key] = values
	}
	w.WriteHeader(answer.Code)
	_, _ = w.Write(answer.Body.Bytes())
}

func (b *requestBarrier) timedOut() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.expired
}
