package simulator

// The families were built apart and meet through hooks; this file connects them, so that a VM
// deployed by the VM family is what static NAT and load balancers see, and expunging it releases
// its public-IP rules as CloudStack does.
func init() {
	lookupVMForNetworking = vmNetInfoFromTable
	listGuestNetworks = guestNetworksFromTable
	vmStaticNAT = StaticNATOfVM
	OnVMExpunged(ReleaseVMNetworking)
	lookupTemplate = templateInfoFromTable
	templateInUse = templateUsedByVMs
}

// templateInfoFromTable answers deployVirtualMachine from the template family's rows: a template
// that exists only in other zones, or is still uploading, is known but not ready here.
func templateInfoFromTable(st *Store, id, zoneID string) (TemplateInfo, bool) {
	settleTemplates(st, st.Now())
	var found *Template
	for _, t := range templateRows(st, id) {
		if t.IsRemoved() {
			continue
		}
		if found == nil || t.ZoneID == zoneID {
			found = t
		}
	}
	if found == nil {
		return TemplateInfo{}, false
	}
	ready := found.IsReady() && (zoneID == "" || found.ZoneID == zoneID)
	return TemplateInfo{ID: found.ID, Name: found.Name, DisplayText: found.DisplayText, Hypervisor: found.Hypervisor,
		OSTypeID: found.OSTypeID, Size: found.Size, Ready: ready}, true
}

// templateUsedByVMs is deleteTemplate's check: live VMs deployed from the template, in that zone when
// one is named.
func templateUsedByVMs(st *Store, templateID, zoneID string) bool {
	for _, vmID := range VMsUsingTemplate(st, templateID) {
		if vm, ok := LookupVM(st, vmID); ok && (zoneID == "" || vm.ZoneID == zoneID) {
			return true
		}
	}
	return false
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
