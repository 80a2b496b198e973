package simulator

// The families were built apart and meet through hooks; this file connects them, so that a VM
// deployed by the VM family is what static NAT and load balancers see, and expunging it releases
// its public-IP rules as CloudStack does.
func init() {
	lookupVMForNetworking = vmNetInfoFromTable
	listGuestNetworks = guestNetworksFromTable
	vmStaticNAT = StaticNATOfVM
	OnVMExpunged(ReleaseVMNetworking)
}

func vmNetInfoFromTable(st *Store, vmID string) (VMNetInfo, bool) {
	vm, ok := LookupVM(st, vmID)
	if !ok {
		return VMNetInfo{}, false
	}
	info := VMNetInfo{ID: vm.ID, Name: vm.Name, DisplayName: vm.DisplayName, ZoneID: vm.ZoneID, State: vm.State,
		View: renderVM(st, vm, allVMDetails)}
	for _, nic := range vm.NICs {
		info.NICs = append(info.NICs, VMNIC{NetworkID: nic.NetworkID, IP: nic.IPAddress})
	}
	return info, true
}

func guestNetworksFromTable(st *Store) []GuestNetworkInfo {
	var out []GuestNetworkInfo
	for _, n := range NetworkTable(st).All() {
		out = append(out, GuestNetworkInfo{ID: n.ID, Name: n.Name, ZoneID: n.ZoneID, Type: n.Type})
	}
	return out
}
