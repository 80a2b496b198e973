package simulator_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// The VM and network families live on other branches, so the public IP, static NAT and
// load balancer tests answer the networking hooks from a test table of VMs and from the
// default seed's guest networks. Both fakes fall back to (or give way to) whatever was wired
// before, so they keep working once the real families are merged.

// netVM is a VM as the fake VM hook reports it.
type netVM struct {
	ID          string
	Name        string
	DisplayName string
	ZoneID      string
	State       string
	NICs        []simulator.VMNIC
	Expunged    bool
}

func netVMTable(st *simulator.Store) *simulator.Table[netVM] {
	return simulator.TableOf[netVM](st, "testnetvms")
}

// fakeNetworks are the default seed's guest networks, with fixed ids.
var fakeNetworks = []struct{ id, name, zone, typ, prefix string }{
	{"6f1d0c2e-5a4b-4c3d-8e9f-000000000101", "zone1-isolated", "zone1", "Isolated", "10.1.1."},
	{"6f1d0c2e-5a4b-4c3d-8e9f-000000000102", "zone1-shared", "zone1", "Shared", "10.1.2."},
	{"6f1d0c2e-5a4b-4c3d-8e9f-000000000201", "zone2-isolated", "zone2", "Isolated", "10.2.1."},
	{"6f1d0c2e-5a4b-4c3d-8e9f-000000000202", "zone2-shared", "zone2", "Shared", "10.2.2."},
}

func init() {
	previousVM, previousNets := simulator.NetworkingHooks()
	simulator.SetNetworkingHooks(
		func(st *simulator.Store, id string) (simulator.VMNetInfo, bool) {
			if vm, ok := netVMTable(st).Get(id); ok {
				if vm.Expunged {
					return simulator.VMNetInfo{}, false
				}
				return simulator.VMNetInfo{ID: vm.ID, Name: vm.Name, DisplayName: vm.DisplayName, ZoneID: vm.ZoneID,
					State: vm.State, NICs: vm.NICs}, true
			}
			return previousVM(st, id)
		},
		func(st *simulator.Store) []simulator.GuestNetworkInfo {
			out := previousNets(st)
			known := map[string]bool{}
			for _, n := range out {
				known[n.Name] = true
			}
			for _, n := range fakeNetworks {
				if z, ok := simulator.LookupZone(st, n.zone); ok && !known[n.name] {
					out = append(out, simulator.GuestNetworkInfo{ID: n.id, Name: n.name, ZoneID: z.ID, Type: n.typ})
				}
			}
			return out
		})
}

// networkID resolves a guest network name through the hooks in force (a real network
// family's network first, once there is one).
func networkID(st *simulator.Store, name string) string {
	_, nets := simulator.NetworkingHooks()
	for _, n := range nets(st) {
		if n.Name == name {
			return n.ID
		}
	}
	Fail("no guest network " + name)
	return ""
}

// addVM creates a Running test VM in zone with one NIC per named network and returns its id.
func (s *sim) addVM(name, zone string, networks ...string) string {
	var id string
	s.Server.Do(func(st *simulator.Store) {
		z, ok := simulator.LookupZone(st, zone)
		Expect(ok).To(BeTrue(), "zone %s", zone)
		vm := &netVM{ID: simulator.NewUUID(), Name: name, DisplayName: name + "-display", ZoneID: z.ID, State: "Running"}
		for _, n := range networks {
			prefix := ""
			for _, f := range fakeNetworks {
				if f.name == n {
					prefix = f.prefix
				}
			}
			vm.NICs = append(vm.NICs, simulator.VMNIC{NetworkID: networkID(st, n),
				IP: fmt.Sprintf("%s%d", prefix, 10+netVMTable(st).Len())})
		}
		netVMTable(st).Put(vm.ID, vm)
		id = vm.ID
	})
	return id
}

// vmNIC returns the VM's address in a network.
func (s *sim) vmNIC(vmID, network string) string {
	var ip string
	s.Server.Do(func(st *simulator.Store) {
		vm, _ := netVMTable(st).Get(vmID)
		for _, n := range vm.NICs {
			if n.NetworkID == networkID(st, network) {
				ip = n.IP
			}
		}
	})
	Expect(ip).NotTo(BeEmpty())
	return ip
}

func (s *sim) setVMState(vmID, state string) {
	s.Server.Do(func(st *simulator.Store) {
		vm, _ := netVMTable(st).Get(vmID)
		vm.State = state
	})
}

// expungeVM does what the VM family does when it expunges a VM.
func (s *sim) expungeVM(vmID string) {
	s.Server.Do(func(st *simulator.Store) {
		vm, _ := netVMTable(st).Get(vmID)
		vm.Expunged = true
		simulator.ReleaseVMNetworking(st, vmID)
	})
}

// publicIP returns the listed public IP with this address (allocated or free).
func (s *sim) publicIP(address string) map[string]any {
	list := items(s.ok("listPublicIpAddresses", map[string]string{"ipaddress": address, "allocatedonly": "false"}), "publicipaddress")
	Expect(list).To(HaveLen(1), "public ip %s", address)
	return list[0]
}

func (s *sim) publicIPID(address string) string { return s.publicIP(address)["id"].(string) }

// createLB creates a load balancer rule on the address and returns its id.
func (s *sim) createLB(address, name string, publicPort, privatePort int) string {
	job := s.runJob("createLoadBalancerRule", map[string]string{"publicipid": s.publicIPID(address), "name": name,
		"algorithm": "roundrobin", "publicport": fmt.Sprint(publicPort), "privateport": fmt.Sprint(privatePort)})
	Expect(job["jobstatus"]).To(BeNumerically("==", 1), "%v", job)
	return job["jobresult"].(map[string]any)["loadbalancer"].(map[string]any)["id"].(string)
}

// jobError asserts a failed job and returns its code and text.
func jobError(job map[string]any) (int, string) {
	Expect(job["jobstatus"]).To(BeNumerically("==", 2), "%v", job)
	result := job["jobresult"].(map[string]any)
	return int(result["errorcode"].(float64)), result["errortext"].(string)
}

// jobOfLB creates a load balancer rule and returns its finished job.
func jobOfLB(s *sim) map[string]any {
	return s.runJob("createLoadBalancerRule", map[string]string{"publicipid": s.publicIPID("203.0.113.12"), "name": "web",
		"algorithm": "roundrobin", "publicport": "9090", "privateport": "9090"})
}
