package simulator

import (
	"crypto/md5"
	"fmt"
	"strings"
)

// vmDetails are the detail groups listVirtualMachines' "details" parameter selects.
type vmDetails map[string]bool

var allVMDetails = vmDetails{"all": true}

func (d vmDetails) has(group string) bool { return d["all"] || d[group] }

// parseVMDetails reads details=nics,stats,...; absent means all. "min" is the identity and
// state with the NICs.
func parseVMDetails(c *Call) (vmDetails, error) {
	groups := c.List("details")
	if len(groups) == 0 {
		return allVMDetails, nil
	}
	out := vmDetails{}
	for _, g := range groups {
		switch g = strings.ToLower(g); g {
		case "all", "group", "nics", "stats", "secgrp", "tmpl", "servoff", "diskoff", "backoff", "iso", "volume", "affgrp":
			out[g] = true
		case "min":
			out["nics"] = true
		default:
			return nil, ErrParam("Invalid value %s for details; use one of all, group, nics, stats, secgrp, tmpl, servoff, diskoff, backoff, iso, volume, min, affgrp", g)
		}
	}
	return out, nil
}

// hostOf names the zone's simulated host, stably across restarts.
func hostOf(zone *Zone) (id, name string) {
	b := md5.Sum([]byte("host/" + zone.ID))
	b[6] = b[6]&0x0f | 0x30
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), "SimulatedAgent." + zone.Name
}

// renderVM is CloudStack's UserVmResponse, with the selected detail groups. It is a map so
// that groups can be left out whole, as CloudStack leaves out their fields.
func renderVM(st *Store, vm *VM, d vmDetails) map[string]any {
	acct := st.Account
	v := map[string]any{
		"id": vm.ID, "name": vm.Name, "displayname": vm.DisplayName, "account": acct.Account,
		"userid": acct.UserID, "username": acct.Account, "domainid": acct.DomainID, "domain": acct.Domain,
		"created": vm.Created, "state": vm.State, "haenable": false, "zoneid": vm.ZoneID,
		"hypervisor": vm.Hypervisor, "instancename": vm.InstanceName(), "passwordenabled": false,
		"rootdeviceid": 0, "rootdevicetype": "ROOT", "displayvm": true, "isdynamicallyscalable": false,
		"bootmode": "legacy", "boottype": "Bios", "tags": TagsFor(st, "UserVm", vm.ID),
	}
	zone, ok := ZoneTable(st).Get(vm.ZoneID)
	if ok {
		v["zonename"] = zone.Name
		if vm.State == VMRunning {
			v["hostid"], v["hostname"] = hostOf(zone)
		}
	}
	details := map[string]string{}
	for k, val := range vm.Details {
		details[k] = val
	}
	v["details"] = details
	if vm.KeyPair != "" {
		v["keypairs"] = vm.KeyPair
	}
	if ipID, ip, ok := vmStaticNAT(st, vm.ID); ok {
		v["publicipid"], v["publicip"] = ipID, ip
	}
	if d.has("tmpl") {
		v["templateid"], v["templatename"], v["templatedisplaytext"] = vm.TemplateID, vm.TemplateName, vm.TemplateText
		if os, ok := OSTypeTable(st).Get(vm.OSTypeID); ok {
			v["guestosid"], v["ostypeid"], v["osdisplayname"] = os.ID, os.ID, os.Description
		}
	}
	if d.has("servoff") {
		v["serviceofferingid"] = vm.ServiceOfferingID
		if o, ok := ServiceOfferingTable(st).Get(vm.ServiceOfferingID); ok {
			v["serviceofferingname"] = o.Name
		}
		v["cpunumber"], v["cpuspeed"], v["memory"] = vm.CPUNumber, vm.CPUSpeed, vm.Memory
	}
	if d.has("stats") {
		v["cpuused"] = "0%"
		for _, k := range []string{"networkkbsread", "networkkbswrite", "diskioread", "diskiowrite", "diskkbsread",
			"diskkbswrite", "memorykbs", "memoryintfreekbs", "memorytargetkbs"} {
			v[k] = 0
		}
	}
	if d.has("nics") {
		nics := make([]nicView, 0, len(vm.NICs))
		for _, n := range vm.NICs {
			nics = append(nics, renderNIC(st, n))
		}
		v["nic"] = nics
	}
	if d.has("secgrp") {
		v["securitygroup"] = SecurityGroupsOfVM(st, vm.ID)
	}
	if d.has("affgrp") {
		v["affinitygroup"] = AffinityGroupsOfVM(st, vm.ID)
	}
	return v
}

// listVirtualMachines lists the account's VMs. Destroyed and Expunging VMs are listed like
// the others: CloudStack shows them to admins, and to users when allow.user.view.destroyed.vm
// is set, which listCapabilities reports (allowuserviewdestroyedvm). state=Present leaves them
// out. Expunged VMs are gone: their id gives an empty list.
func listVirtualMachines(c *Call) (any, error) {
	settleFailedDeploys(c)
	st := c.Store
	state := c.String("state")
	networkID := c.ID("networkid", func(id string) bool { return networkExists(st, id) })
	groupID := c.ID("affinitygroupid", func(id string) bool { _, ok := AffinityGroupTable(st).Get(id); return ok })
	offeringID := c.ID("serviceofferingid", func(id string) bool { _, ok := ServiceOfferingTable(st).Get(id); return ok })
	templateID, keyPair := c.String("templateid"), c.String("keypair")
	withUserData := c.Bool("userdata", false)
	details, err := parseVMDetails(c)
	if err != nil {
		return nil, err
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	inGroup := map[string]bool{}
	if g, ok := AffinityGroupTable(st).Get(groupID); ok {
		for _, id := range g.VMIDs {
			inGroup[id] = true
		}
	}
	return List(c, VMTable(st).All(), ListSpec[VM]{
		ItemKey: "virtualmachine",
		ID:      func(vm *VM) string { return vm.ID },
		Name:    func(vm *VM) string { return vm.Name },
		Keyword: func(vm *VM) []string { return vmKeywordTexts(vm) },
		ZoneID:  func(vm *VM) string { return vm.ZoneID },
		TagType: "UserVm",
		Removed: func(vm *VM) bool { return vm.IsRemoved() },
		Filter: func(vm *VM) bool {
			return matchesVMState(vm.State, state) && (networkID == "" || vmOnNetwork(vm, networkID)) &&
				(groupID == "" || inGroup[vm.ID]) && (offeringID == "" || vm.ServiceOfferingID == offeringID) &&
				(templateID == "" || vm.TemplateID == templateID) && (keyPair == "" || vm.KeyPair == keyPair)
		},
		Render: func(vm *VM) any {
			v := renderVM(st, vm, details)
			if withUserData && vm.UserData != "" {
				v["userdata"] = vm.UserData
			}
			return v
		},
	})
}

func matchesVMState(state, want string) bool {
	switch {
	case want == "":
		return true
	case strings.EqualFold(want, "Present"):
		return state != VMDestroyed && state != VMExpunging
	}
	return strings.EqualFold(state, want)
}

func vmOnNetwork(vm *VM, networkID string) bool {
	for _, n := range vm.NICs {
		if n.NetworkID == networkID {
			return true
		}
	}
	return false
}

// vmKeywordTexts: CloudStack's keyword search over VMs matches name, display name, state and
// addresses.
func vmKeywordTexts(vm *VM) []string {
	out := []string{vm.Name, vm.DisplayName, vm.State}
	for _, n := range vm.NICs {
		out = append(out, n.IPAddress)
	}
	return out
}
