package simulator

// lbRequest is one VM of an assign/remove call and the addresses named for it (none: its
// NIC address in the rule's network).
type lbRequest struct {
	vmID string
	ips  []string
}

// lbRequests merges virtualmachineids and vmidipmap the way the LB manager does: a VM in
// both uses the map's addresses. vmidipmap is read in CloudStack's form (vmid/vmip) and in
// the key/value form cloudstack-go v2.19.0 sends.
func lbRequests(c *Call) (reqs []*lbRequest, listed bool) {
	byVM := map[string]*lbRequest{}
	add := func(vmID string) *lbRequest {
		if r, ok := byVM[vmID]; ok {
			return r
		}
		r := &lbRequest{vmID: vmID}
		byVM[vmID] = r
		reqs = append(reqs, r)
		return r
	}
	for _, id := range c.List("virtualmachineids") {
		add(id)
	}
	for _, m := range c.Map("vmidipmap") {
		vmID, ip := m["vmid"], m["vmip"]
		if vmID == "" {
			vmID, ip = m["key"], m["value"]
		}
		if vmID != "" {
			r := add(vmID)
			if ip != "" {
				r.ips = append(r.ips, ip)
			}
		}
	}
	return reqs, len(reqs) > 0
}

func assignToLoadBalancerRule(c *Call) (*Job, error) {
	id := c.RequiredID("id", loadBalancerExists(c.Store))
	c.IDs("virtualmachineids", vmExists(c.Store))
	if err := c.Err(); err != nil {
		return nil, err
	}
	reqs, listed := lbRequests(c)
	return &Job{Complete: func(c *Call) (any, error) {
		lb, ok := LoadBalancerTable(c.Store).Get(id)
		if !ok {
			return nil, ErrParam("Failed to assign to load balancer %s, the load balancer was not found.", id)
		}
		if !listed {
			return nil, ErrParam("Both instanceids and vmidipmap can't be null")
		}
		var added []LBMember
		for _, r := range reqs {
			vm, ok := lookupVMForNetworking(c.Store, r.vmID)
			if !ok {
				return nil, ErrParam("Unable to find virtual machine ID: %s", r.vmID)
			}
			vm.ID = r.vmID
			if vm.gone() {
				return nil, ErrParam("Invalid instance id specified")
			}
			nic, ok := vm.nicIn(lb.NetworkID)
			if !ok {
				return nil, ErrParam("VM with id specified cannot be added because it doesn't belong in the same network.")
			}
			ips := r.ips
			if len(ips) == 0 {
				ips = []string{nic.IP}
			}
			for _, ip := range ips {
				if ip != nic.IP {
					return nil, ErrParam("VM ip %s specified does not belong to nic in network %s", ip, lb.NetworkID)
				}
				if lb.hasMember(vm.ID, ip) {
					return nil, ErrParam("VM %s with %s is already mapped to load balancer.", vm.ID, ip)
				}
				added = append(added, LBMember{VMID: vm.ID, IP: ip})
			}
		}
		for _, m := range added {
			if !lb.hasMember(m.VMID, m.IP) {
				lb.Members = append(lb.Members, m)
			}
		}
		lb.State = "Active"
		return Success(), nil
	}}, nil
}

// removeFromLoadBalancerRule refuses a VM that is not assigned.
func removeFromLoadBalancerRule(c *Call) (*Job, error) {
	id := c.RequiredID("id", loadBalancerExists(c.Store))
	c.IDs("virtualmachineids", vmExists(c.Store))
	if err := c.Err(); err != nil {
		return nil, err
	}
	reqs, listed := lbRequests(c)
	return &Job{Complete: func(c *Call) (any, error) {
		lb, ok := LoadBalancerTable(c.Store).Get(id)
		if !ok {
			// A java.security.InvalidParameterException, not CloudStack's own: 530.
			return nil, ErrInternal("Invalid load balancer value: %s", id)
		}
		if !listed {
			return nil, ErrParam("Both instanceids and vmidipmap  can't be null")
		}
		for _, r := range reqs {
			ips := r.ips
			if len(ips) == 0 {
				ips = []string{""}
			}
			for _, ip := range ips {
				if !lb.hasMember(r.vmID, ip) {
					return nil, ErrParam("The instance id: %s is not configured  for LB rule id %s", r.vmID, lb.ID)
				}
			}
		}
		for _, r := range reqs {
			if len(r.ips) == 0 {
				lb.removeMember(r.vmID, "")
			}
			for _, ip := range r.ips {
				lb.removeMember(r.vmID, ip)
			}
		}
		lb.State = "Active"
		return Success(), nil
	}}, nil
}

// lbInstanceView is the VM object listLoadBalancerRuleInstances returns when the VM family
// supplies no full view (VMNetInfo.View).
type lbInstanceView struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	DisplayName string `json:"displayname,omitempty"`
	ZoneID      string `json:"zoneid,omitempty"`
	ZoneName    string `json:"zonename,omitempty"`
	State       string `json:"state,omitempty"`
	Account     string `json:"account"`
	DomainID    string `json:"domainid"`
	Domain      string `json:"domain"`
}

func renderLBInstance(st *Store, vmID string) any {
	vm, ok := lookupVMForNetworking(st, vmID)
	if ok && vm.View != nil {
		return vm.View
	}
	v := lbInstanceView{ID: vmID, Name: vm.Name, DisplayName: vm.DisplayName, ZoneID: vm.ZoneID, State: vm.State,
		Account: st.Account.Account, DomainID: st.Account.DomainID, Domain: st.Account.Domain}
	if z, ok := LookupZone(st, vm.ZoneID); ok {
		v.ZoneName = z.Name
	}
	return v
}

// lbInstance groups a member VM's addresses (lbvmips=true lists them with the VM).
type lbInstance struct {
	vmID string
	ips  []string
}

// listLoadBalancerRuleInstances lists the VMs assigned to a rule. applied=false (VMs that
// could still be assigned) needs a VM listing the hooks do not give, so it lists nothing.
func listLoadBalancerRuleInstances(c *Call) (any, error) {
	id := c.RequiredID("id", loadBalancerExists(c.Store))
	applied := c.Bool("applied", true)
	withIPs := c.Bool("lbvmips", false)
	start, size := c.Paging()
	if err := c.Err(); err != nil {
		return nil, err
	}
	lb, _ := LoadBalancerTable(c.Store).Get(id)
	var instances []*lbInstance
	if applied {
		byVM := map[string]*lbInstance{}
		for _, m := range lb.Members {
			in, ok := byVM[m.VMID]
			if !ok {
				in = &lbInstance{vmID: m.VMID}
				byVM[m.VMID] = in
				instances = append(instances, in)
			}
			in.ips = append(in.ips, m.IP)
		}
	}
	if withIPs {
		return Page(instances, start, size, "lbrulevmidip", func(in *lbInstance) any {
			return map[string]any{"lbvmipaddresses": in.ips, "loadbalancerruleinstance": renderLBInstance(c.Store, in.vmID)}
		}), nil
	}
	return Page(instances, start, size, "loadbalancerruleinstance", func(in *lbInstance) any {
		return renderLBInstance(c.Store, in.vmID)
	}), nil
}
