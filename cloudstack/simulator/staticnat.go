package simulator

import "strings"

// codeNetworkRuleConflict is NETWORK_RULE_CONFLICT_ERROR, what EnableStaticNatCmd turns a
// NetworkRuleConflictException into.
const codeNetworkRuleConflict = 537

// Static NAT maps one allocated public address to one VM NIC address. State lives on the
// PublicIP row (isstaticnat, virtualmachineid, vmipaddress), as in CloudStack.

func init() {
	RegisterFamily(Family{
		Name: "nat",
		Commands: []Command{
			Sync("enableStaticNat", enableStaticNat),
			Async("disableStaticNat", disableStaticNat),
		},
	})
}

// enableStaticNat is synchronous in CloudStack, so every refusal is an HTTP error: 431 for
// invalid input, 537 (NETWORK_RULE_CONFLICT_ERROR) when another rule holds the address.
func enableStaticNat(c *Call) (any, error) {
	ipID := c.RequiredID("ipaddressid", publicIPExists(c.Store))
	vmID := c.RequiredID("virtualmachineid", vmExists(c.Store))
	networkID := c.ID("networkid", guestNetworkExists(c.Store))
	guestIP := c.String("vmguestip")
	if err := c.Err(); err != nil {
		return nil, err
	}
	ip, _ := PublicIPTable(c.Store).Get(ipID)
	vm, _ := lookupVMForNetworking(c.Store, vmID)
	vm.ID = vmID

	// EnableStaticNatCmd.getNetworkId: the address's network wins over the parameter.
	if ip.NetworkID != "" {
		networkID = ip.NetworkID
	}
	if networkID == "" {
		return nil, ErrParam("Unable to enable static NAT for the ipAddress id=%s as IP is not associated with any network and no networkId is passed in", ipID)
	}
	network, ok := lookupGuestNetwork(c.Store, networkID)
	if !ok {
		return nil, ErrParam("Unable to find network by id")
	}
	nic, ok := vm.nicIn(networkID)
	if !ok {
		return nil, ErrParam("Vm doesn't belong to the network with specified id")
	}
	if strings.EqualFold(network.Type, "Shared") {
		return nil, ErrParam("Unable to create static nat rule; StaticNat service is not supported in network with specified id")
	}
	if ip.NetworkID == "" {
		return nil, ErrParam("Ip address %s is not assigned to the network %s", ip.ipText(), networkID)
	}
	if err := checkIPAndVM(ip, &vm); err != nil {
		return nil, err
	}
	dstIP := nic.IP
	if guestIP != "" && guestIP != dstIP {
		// Secondary NIC addresses are not modelled, so any other address is not the VM's.
		return nil, ErrParam("VM ip %s address not belongs to the vm", guestIP)
	}
	if err := ipReadyForStaticNAT(c.Store, ip, vm, dstIP); err != nil {
		return nil, err
	}
	ip.StaticNAT, ip.VMID, ip.VMIP = true, vmID, dstIP
	return Success(), nil
}

// checkIPAndVM is RulesManagerImpl.checkIpAndUserVm: the address must be allocated, the VM
// alive and in the address's zone.
func checkIPAndVM(ip *PublicIP, vm *VMNetInfo) error {
	if ip.State == IPFree || ip.Allocated == "" {
		return ErrParam("Unable to create ip forwarding rule on address %s, invalid IP address specified.", ip.ipText())
	}
	if vm == nil {
		return nil
	}
	if vm.gone() {
		return ErrParam("Invalid user vm: %s", vm.ID)
	}
	if vm.ZoneID != "" && vm.ZoneID != ip.ZoneID {
		return ErrParam("Unable to create ip forwarding rule, IP address %s is not in the same availability zone as virtual machine %s", ip.ipText(), vm.Name)
	}
	return nil
}

// ipReadyForStaticNAT is RulesManagerImpl.isIpReadyForStaticNat.
func ipReadyForStaticNAT(st *Store, ip *PublicIP, vm VMNetInfo, vmIP string) error {
	if ip.SourceNAT {
		return ErrParam("Can't enable static, ip address %s is a sourceNat ip address", ip.ipText())
	}
	if !ip.StaticNAT {
		if _, hasLB := LoadBalancerTable(st).Find(func(lb *LoadBalancerRule) bool { return lb.PublicIPID == ip.ID }); hasLB {
			return ErrCode(codeNetworkRuleConflict, "Failed to enable static nat for the ip address "+ip.ipText()+" as it already has LoadBalancing rules assigned")
		}
	} else if ip.VMID != vm.ID {
		return ErrCode(codeNetworkRuleConflict, "Failed to enable static for the ip address "+ip.ipText()+" and vm id="+vm.ID+" as it's already assigned to antoher vm")
	}
	// The VM address may carry one static NAT only (this one included: enabling twice fails).
	if old, taken := PublicIPTable(st).Find(func(o *PublicIP) bool { return o.StaticNAT && o.VMID == vm.ID && o.VMIP == vmIP }); taken {
		return ErrParam("Failed to enable static nat on the  ip %s with Id %s as the vm %s with Id %s is already associated with another public ip %s with id %s",
			ip.Address, ip.ID, vm.Name, vm.ID, old.Address, old.ID)
	}
	return nil
}

// disableStaticNat validates inside the job (431 there), like every non-create async command.
func disableStaticNat(c *Call) (*Job, error) {
	ipID := c.RequiredID("ipaddressid", publicIPExists(c.Store))
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &Job{Complete: func(c *Call) (any, error) {
		ip, _ := PublicIPTable(c.Store).Get(ipID)
		if err := checkIPAndVM(ip, nil); err != nil {
			return nil, err
		}
		if ip.VMID == "" {
			return nil, ErrParam("Specified IP address id is not associated with any vm Id")
		}
		ip.clearStaticNAT()
		return Success(), nil
	}}, nil
}
