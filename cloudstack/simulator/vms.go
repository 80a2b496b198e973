package simulator

import (
	"encoding/base64"
	"fmt"
)

// VM is a user VM row. It keeps what the API shows and what other families need; sizes of
// its disks live in the volumes table. Other families read VMs through LookupVM and must not
// change them (the public-IP family reports static NAT through the vmStaticNAT hook).
type VM struct {
	ID          string `json:"id"`
	Name        string `json:"name"` // host name, unique among the account's live VMs
	DisplayName string `json:"displayname"`
	// InternalID numbers VMs in creation order, as CloudStack's database id does; it makes
	// the instance name (i-2-<n>-VM) and the ROOT volume's name (ROOT-<n>).
	InternalID        int               `json:"internalid"`
	ZoneID            string            `json:"zoneid"`
	State             string            `json:"state"`
	Hypervisor        string            `json:"hypervisor"`
	TemplateID        string            `json:"templateid"`
	TemplateName      string            `json:"templatename"`
	TemplateText      string            `json:"templatedisplaytext"`
	OSTypeID          string            `json:"ostypeid,omitempty"`
	ServiceOfferingID string            `json:"serviceofferingid"`
	CPUNumber         int               `json:"cpunumber"`
	CPUSpeed          int               `json:"cpuspeed"`
	Memory            int               `json:"memory"`
	Details           map[string]string `json:"details,omitempty"`
	KeyPair           string            `json:"keypair,omitempty"`
	// UserData is base64 (normalised with padding, as CloudStack stores it).
	UserData string `json:"userdata,omitempty"`
	NICs     []NIC  `json:"nics"`
	Created  string `json:"created"`
	Removed  string `json:"removed,omitempty"`
}

// VM states (VirtualMachine.State) this simulator uses.
const (
	VMStarting  = "Starting"
	VMRunning   = "Running"
	VMStopped   = "Stopped"
	VMDestroyed = "Destroyed"
	VMExpunging = "Expunging"
	VMError     = "Error"
)

// IsRemoved reports an expunged VM: it is hidden from lists and the inventory, but its id
// still resolves (an empty list, not a 431), as in CloudStack.
func (vm *VM) IsRemoved() bool { return vm.Removed != "" }

// InstanceName is CloudStack's internal VM name (account id 2 is the admin account).
func (vm *VM) InstanceName() string { return fmt.Sprintf("i-2-%d-VM", vm.InternalID) }

// DefaultNIC returns the NIC on the default network.
func (vm *VM) DefaultNIC() (NIC, bool) {
	for _, n := range vm.NICs {
		if n.IsDefault {
			return n, true
		}
	}
	return NIC{}, false
}

// VMTable is the user VMs table.
func VMTable(st *Store) *Table[VM] { return TableOf[VM](st, "virtualmachines") }

// LookupVM returns a VM that has not been expunged. Callers read it only.
func LookupVM(st *Store, id string) (*VM, bool) {
	vm, ok := VMTable(st).Get(id)
	if !ok || vm.IsRemoved() {
		return nil, false
	}
	return vm, true
}

// VMsUsingTemplate lists the live VMs deployed from a template (deleteTemplate refuses to
// delete a template in use unless forced).
func VMsUsingTemplate(st *Store, templateID string) []string {
	var out []string
	for _, vm := range VMTable(st).All() {
		if !vm.IsRemoved() && vm.TemplateID == templateID {
			out = append(out, vm.ID)
		}
	}
	return out
}

var vmExpungeHooks []func(st *Store, vmID string)

// OnVMExpunged registers f to run when a VM is expunged, after its NICs' addresses, group
// memberships, tags and ROOT volume are gone. The public-IP family uses it to drop static NAT
// and load-balancer assignments. Call it from an init function.
func OnVMExpunged(f func(st *Store, vmID string)) { vmExpungeHooks = append(vmExpungeHooks, f) }

// vmStaticNAT reports the public address statically NATed to a VM, shown as publicip and
// publicipid. The public-IP family replaces it from its init function.
var vmStaticNAT = func(st *Store, vmID string) (ipID, ip string, ok bool) { return "", "", false }

// knownVM accepts expunged VMs too: their ids still resolve in CloudStack.
func knownVM(st *Store, id string) bool {
	_, ok := VMTable(st).Get(id)
	return ok
}

// CloudStack's command classes for the job "cmd" field (user API, admin key).
func withJavaClass(c Command, class string) Command {
	c.JavaClass = "org.apache.cloudstack.api.command." + class
	return c
}

func init() {
	RegisterFamily(Family{
		Name: "vm",
		Commands: []Command{
			withJavaClass(AsyncCreate("deployVirtualMachine", deployVirtualMachine), "user.vm.DeployVMCmd"),
			withJavaClass(Async("startVirtualMachine", startVirtualMachine), "user.vm.StartVMCmd"),
			withJavaClass(Async("stopVirtualMachine", stopVirtualMachine), "user.vm.StopVMCmd"),
			withJavaClass(Async("rebootVirtualMachine", rebootVirtualMachine), "user.vm.RebootVMCmd"),
			withJavaClass(Async("destroyVirtualMachine", destroyVirtualMachine), "user.vm.DestroyVMCmd"),
			withJavaClass(Async("expungeVirtualMachine", expungeVirtualMachine), "admin.vm.ExpungeVMCmd"),
			Sync("recoverVirtualMachine", recoverVirtualMachine),
			Sync("updateVirtualMachine", updateVirtualMachine),
			Sync("listVirtualMachines", listVirtualMachines),
		},
		ResourceTypes: []ResourceType{{Name: "UserVm", Exists: func(st *Store, id string) bool {
			_, ok := LookupVM(st, id)
			return ok
		}}},
		UserData: vmUserData,
	})
}

// vmUserData decodes the user-data of every live VM for /admin/userdata.
func vmUserData(st *Store) map[string]string {
	out := map[string]string{}
	for _, vm := range VMTable(st).All() {
		if vm.IsRemoved() || vm.UserData == "" {
			continue
		}
		if b, err := base64.StdEncoding.DecodeString(vm.UserData); err == nil {
			out[vm.ID] = string(b)
		}
	}
	return out
}

// failedJobInstances returns the instance ids of failed jobs of one command. A fault rule of
// kind "job" fails a job without running its completion; the family uses this to settle
// rows the completion would have moved (a deploying VM ends in Error).
func failedJobInstances(c *Call, command string) map[string]bool {
	out := map[string]bool{}
	if c.srv == nil {
		return out
	}
	for _, j := range c.srv.jobs {
		if j.Command == command && j.Status == JobFailed && j.InstanceID != "" {
			out[j.InstanceID] = true
		}
	}
	return out
}

// settleFailedDeploys moves VMs whose deploy job failed by fault injection from Starting to
// Error, where a failed first start leaves them in CloudStack.
func settleFailedDeploys(c *Call) {
	failed := failedJobInstances(c, "deployVirtualMachine")
	for id := range failed {
		if vm, ok := VMTable(c.Store).Get(id); ok && vm.State == VMStarting {
			vm.State = VMError
		}
	}
}
