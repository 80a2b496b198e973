package cloudstack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// VM states this package names (CloudStack's VirtualMachine.State).
const (
	VMStateRunning   = "Running"
	VMStateStopped   = "Stopped"
	VMStateDestroyed = "Destroyed"
	VMStateExpunging = "Expunging"
	VMStateError     = "Error"
)

// VM is a user VM as listVirtualMachines shows it.
type VM struct {
	ID                string
	Name              string // host name
	DisplayName       string
	ZoneID            string
	State             string
	Hypervisor        string
	TemplateID        string
	ServiceOfferingID string
	NICs              []NIC // in device order; the default one is IsDefault
	Tags              map[string]string
	AffinityGroupIDs  []string
	// PublicIP and PublicIPID are set when a public address is statically NATed to the VM.
	PublicIP   string
	PublicIPID string
}

// NIC is one of a VM's network interfaces.
type NIC struct {
	ID          string
	NetworkID   string
	NetworkName string
	IP          string
	Netmask     string
	Gateway     string
	MAC         string
	IsDefault   bool
	DeviceID    string // "0", "1"...: the guest's ethN order (a string on the wire)
}

// Gone reports a VM that is on its way out: Destroyed (expunged by CloudStack
// after expunge.delay unless recovered) or Expunging. For BOSH it no longer
// exists (has_vm is false), as the API reference advises.
//
// A VM in Error is not gone: it is a deploy whose first start failed, and it
// still holds its host name and its NICs' addresses until it is destroyed
// (which expunges it at once). Counting it as existing keeps it visible to the
// director (an unresponsive agent, whose fixes go through delete_vm) instead
// of a missing VM whose reference cck may drop without cleaning up. See Failed.
func (vm VM) Gone() bool {
	return vm.State == VMStateDestroyed || vm.State == VMStateExpunging
}

// Failed reports a VM in Error: it exists but will never run; destroy it.
func (vm VM) Failed() bool { return vm.State == VMStateError }

// DefaultNIC returns the NIC on the VM's default network.
func (vm VM) DefaultNIC() (NIC, bool) {
	for _, n := range vm.NICs {
		if n.IsDefault {
			return n, true
		}
	}
	return NIC{}, false
}

type vmService struct{ c *Client }

// VMs hands out the VM operations.
func (c *Client) VMs() VMs { return &vmService{c: c} }

func (s *vmService) Get(ctx context.Context, id string) (VM, bool, error) {
	if !IsID(id) {
		return VM{}, false, fmt.Errorf("VM id %q is not a CloudStack uuid", id)
	}
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListVirtualMachinesParams) { p.SetId(id) }))
	if err != nil {
		return VM{}, false, err
	}
	for _, vm := range rows {
		if vm.ID == id {
			return vm, true, nil
		}
	}
	return VM{}, false, nil
}

func (s *vmService) FindByName(ctx context.Context, name string) (VM, bool, error) {
	if name == "" {
		return VM{}, false, errors.New("looking up a VM: the name is empty")
	}
	rows, err := s.list(ctx, func(p *csapi.ListVirtualMachinesParams) { p.SetName(name) })
	if err != nil {
		return VM{}, false, err
	}
	// Not pickOne: it would compare ids for a name that looks like a uuid.
	var matches []VM
	for _, vm := range rows {
		if vm.Name == name {
			matches = append(matches, vm)
		}
	}
	switch len(matches) {
	case 0:
		return VM{}, false, nil
	case 1:
		return matches[0], true, nil
	default:
		ids := make([]string, 0, len(matches))
		for _, vm := range matches {
			ids = append(ids, vm.ID)
		}
		return VM{}, false, &AmbiguousError{Kind: "VM", Name: name, IDs: ids}
	}
}

// list asks for all detail groups (the default): tags, NICs, affinity groups
// and the template and offering ids all come from different groups.
func (s *vmService) list(ctx context.Context, filter func(*csapi.ListVirtualMachinesParams)) ([]VM, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listVirtualMachines", func(page, size int) ([]VM, int, error) {
		p := api.VirtualMachine.NewListVirtualMachinesParams()
		filter(p)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.VirtualMachine.ListVirtualMachines(p)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]VM, 0, len(r.VirtualMachines))
		for _, vm := range r.VirtualMachines {
			rows = append(rows, convertVM(vm))
		}
		return rows, r.Count, nil
	})
}

// convertVM reads listVirtualMachines rows and job results alike (a job's
// "virtualmachine" object has the same shape).
func convertVM(in *csapi.VirtualMachine) VM {
	vm := VM{
		ID: in.Id, Name: in.Name, DisplayName: in.Displayname, ZoneID: in.Zoneid, State: in.State,
		Hypervisor: in.Hypervisor, TemplateID: in.Templateid, ServiceOfferingID: in.Serviceofferingid,
		Tags: tagMap(in.Tags), PublicIP: in.Publicip, PublicIPID: in.Publicipid,
	}
	for _, n := range in.Nic {
		vm.NICs = append(vm.NICs, NIC{
			ID: n.Id, NetworkID: n.Networkid, NetworkName: n.Networkname, IP: n.Ipaddress, Netmask: n.Netmask,
			Gateway: n.Gateway, MAC: n.Macaddress, IsDefault: n.Isdefault, DeviceID: n.Deviceid,
		})
	}
	// CloudStack lists NICs in no promised order; the device id is the guest's.
	slices.SortStableFunc(vm.NICs, func(a, b NIC) int { return cmp.Compare(nicOrder(a), nicOrder(b)) })
	for _, g := range in.Affinitygroup {
		vm.AffinityGroupIDs = append(vm.AffinityGroupIDs, g.Id)
	}
	return vm
}

// nicOrder puts NICs without a readable device id last.
func nicOrder(n NIC) int {
	if id, err := strconv.Atoi(n.DeviceID); err == nil && id >= 0 {
		return id
	}
	return math.MaxInt
}
