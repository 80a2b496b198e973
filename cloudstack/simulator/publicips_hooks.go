package simulator

import "strings"

// The public IP, static NAT and load balancer families need facts owned by the VM and
// network families (a VM's zone, state and NICs; a guest network's zone and type). They
// read them through the two hooks below instead of those families' tables, so the three
// can be built and merged independently. The VM and network families wire the hooks from
// their own init functions, e.g.
//
//	func init() { lookupVMForNetworking = vmNetInfoFromTable }
//
// Until then the defaults answer from the registered resource types: a "UserVm" id is a VM
// without NICs, a "Network" id is a network of unknown zone and type.

// VMNetInfo is what the networking families need to know about a user VM.
type VMNetInfo struct {
	ID          string
	Name        string // instance (host) name, used in error texts and listings
	DisplayName string
	ZoneID      string
	State       string // Running, Stopped, Destroyed, Expunging, ...
	NICs        []VMNIC
	// View, when set, is the VM as listVirtualMachines renders it; listLoadBalancerRuleInstances
	// returns it as is. Without it a minimal VM object is rendered.
	View any
}

// VMNIC is one NIC of a VM: the guest network it is plugged into and its IPv4 address.
type VMNIC struct {
	NetworkID string
	IP        string
}

// GuestNetworkInfo is what the networking families need to know about a guest network.
type GuestNetworkInfo struct {
	ID     string
	Name   string
	ZoneID string
	Type   string // Isolated or Shared
}

// lookupVMForNetworking returns a live VM by id. The VM family replaces it.
var lookupVMForNetworking = defaultLookupVMForNetworking

// listGuestNetworks returns every live guest network. The network family replaces it.
var listGuestNetworks = defaultListGuestNetworks

func defaultLookupVMForNetworking(st *Store, vmID string) (VMNetInfo, bool) {
	rt, ok := lookupResourceType("UserVm")
	if !ok || !rt.Exists(st, vmID) {
		return VMNetInfo{}, false
	}
	return VMNetInfo{ID: vmID}, true
}

func defaultListGuestNetworks(*Store) []GuestNetworkInfo { return nil }

// lookupGuestNetwork finds a guest network by id or name. An id the hook does not list but
// a registered "Network" resource type knows is accepted with unknown zone and type.
func lookupGuestNetwork(st *Store, idOrName string) (GuestNetworkInfo, bool) {
	nets := listGuestNetworks(st)
	for _, n := range nets {
		if n.ID == idOrName {
			return n, true
		}
	}
	for _, n := range nets {
		if n.Name == idOrName {
			return n, true
		}
	}
	if rt, ok := lookupResourceType("Network"); ok && rt.Exists(st, idOrName) {
		return GuestNetworkInfo{ID: idOrName}, true
	}
	return GuestNetworkInfo{}, false
}

// networkFamilyPresent reports whether guest networks can be resolved at all; without a
// network family, seeded public IPs keep no network instead of failing the seed.
func networkFamilyPresent(st *Store) bool {
	if len(listGuestNetworks(st)) > 0 {
		return true
	}
	_, ok := lookupResourceType("Network")
	return ok
}

// isolatedNetworksInZone lists the account's isolated networks of a zone, which is where
// associateIpAddress and createLoadBalancerRule look when only a zone is given.
func isolatedNetworksInZone(st *Store, zoneID string) []GuestNetworkInfo {
	var out []GuestNetworkInfo
	for _, n := range listGuestNetworks(st) {
		if n.ZoneID == zoneID && strings.EqualFold(n.Type, "Isolated") {
			out = append(out, n)
		}
	}
	return out
}

// nicIn returns the VM's NIC in a network.
func (vm VMNetInfo) nicIn(networkID string) (VMNIC, bool) {
	for _, n := range vm.NICs {
		if n.NetworkID == networkID {
			return n, true
		}
	}
	return VMNIC{}, false
}

// gone reports whether the VM is on its way out: CloudStack refuses new rules for it.
func (vm VMNetInfo) gone() bool { return vm.State == "Destroyed" || vm.State == "Expunging" }

func vmExists(st *Store) func(string) bool {
	return func(id string) bool { _, ok := lookupVMForNetworking(st, id); return ok }
}

func guestNetworkExists(st *Store) func(string) bool {
	return func(id string) bool { _, ok := lookupGuestNetwork(st, id); return ok }
}

// ReleaseVMNetworking disables the static NAT of every public IP NATed to vmID and removes
// vmID from every load balancer rule, as CloudStack's cleanupVmResources does when a VM is
// expunged. The VM family calls it from its expunge path.
func ReleaseVMNetworking(st *Store, vmID string) {
	for _, ip := range PublicIPTable(st).All() {
		if ip.StaticNAT && ip.VMID == vmID {
			ip.clearStaticNAT()
		}
	}
	for _, lb := range LoadBalancerTable(st).All() {
		lb.removeMember(vmID, "")
	}
}

// StaticNATOfVM returns the public IP static-NATed to vmID (listVirtualMachines shows it
// as publicipid/publicip).
func StaticNATOfVM(st *Store, vmID string) (ipID, address string, ok bool) {
	ip, found := PublicIPTable(st).Find(func(ip *PublicIP) bool { return ip.StaticNAT && ip.VMID == vmID })
	if !found {
		return "", "", false
	}
	return ip.ID, ip.Address, true
}
