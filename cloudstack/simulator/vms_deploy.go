package simulator

import (
	"fmt"
	"strings"
)

// deployRequest is a validated deployVirtualMachine call.
type deployRequest struct {
	zone             *Zone
	offering         *ServiceOffering
	template         TemplateInfo
	cpu, speed, mem  int
	details          map[string]string
	name, display    string
	keyPair          string
	userData         string
	nics             []NIC
	affinityGroups   []string
	securityGroups   []string
	rootSize         int64
	rootOverride     bool
	dataDiskOffering *DiskOffering
	dataDiskSize     int64
	startVM          bool
}

// deployVirtualMachine does what CloudStack's create() phase does: validate everything that
// can be known up front (errors are HTTP errors of this call), then create the VM with its
// NICs (addresses reserved), its ROOT volume and optional DATADISK, in state Starting
// (Stopped with startvm=false). The job starts it: Running, or Error when it cannot.
func deployVirtualMachine(c *Call) (*Job, error) {
	st := c.Store
	zoneID := c.RequiredID("zoneid", func(id string) bool { _, ok := ZoneTable(st).Get(id); return ok })
	offeringID := c.RequiredID("serviceofferingid", func(id string) bool { _, ok := ServiceOfferingTable(st).Get(id); return ok })
	templateID := c.RequiredID("templateid", func(id string) bool { _, ok := lookupTemplate(st, id, ""); return ok })
	diskOfferingID := c.ID("diskofferingid", func(id string) bool { _, ok := DiskOfferingTable(st).Get(id); return ok })
	networkIDs := c.IDs("networkids", func(id string) bool { return networkExists(st, id) })
	affinityIDs := c.IDs("affinitygroupids", func(id string) bool { _, ok := AffinityGroupTable(st).Get(id); return ok })
	sgIDs := c.IDs("securitygroupids", func(id string) bool { _, ok := SecurityGroupTable(st).Get(id); return ok })
	sizeGB, hasSize := c.Int("size")
	rootGB, hasRoot := c.Int("rootdisksize")
	startVM := c.Bool("startvm", true)
	if err := c.Err(); err != nil {
		return nil, err
	}
	r := &deployRequest{startVM: startVM, details: mergedDetails(c)}
	r.zone, _ = ZoneTable(st).Get(zoneID)
	r.offering, _ = ServiceOfferingTable(st).Get(offeringID)
	r.template, _ = lookupTemplate(st, templateID, zoneID)
	steps := []func() error{
		func() error { return r.checkHypervisor(c.String("hypervisor")) },
		func() (err error) { r.cpu, r.speed, r.mem, err = computeResources(r.offering, r.details); return err },
		func() error { return r.resolveGroups(c, affinityIDs, sgIDs) },
		func() error { return r.resolveKeyPair(c, c.String("keypair")) },
		func() (err error) {
			if c.Has("userdata") {
				r.userData, err = validateUserData(c.String("userdata"))
			}
			return err
		},
		func() error { return r.resolveDisks(c, rootGB, hasRoot, diskOfferingID, sizeGB, hasSize) },
		func() error { return r.resolveNames(c, c.String("name"), c.String("displayname"), networkIDs) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	vm := r.create(c)
	return &Job{InstanceType: "VirtualMachine", InstanceID: vm.ID, VMID: vm.ID,
		Complete: func(c *Call) (any, error) { return completeDeploy(c, vm.ID, startVM) }}, nil
}

// checkHypervisor: an explicit hypervisor must match the template's (CloudStack checks it
// in create()); a template made for another hypervisor than the zone's fails later, in the
// job, when no host can take it.
func (r *deployRequest) checkHypervisor(hypervisor string) error {
	if hypervisor != "" && r.template.Hypervisor != "" && !strings.EqualFold(hypervisor, r.template.Hypervisor) {
		return ErrParam("Hypervisor passed to the deployVm call, is different from the hypervisor type of the template")
	}
	return nil
}

func (r *deployRequest) resolveGroups(c *Call, affinityIDs, sgIDs []string) error {
	names := c.List("affinitygroupnames")
	if len(affinityIDs) > 0 && len(names) > 0 {
		return ErrParam("affinitygroupids parameter is mutually exclusive with affinitygroupnames parameter")
	}
	r.affinityGroups = affinityIDs
	for _, name := range names {
		g, ok := AffinityGroupTable(c.Store).Find(func(g *AffinityGroup) bool { return g.Name == name })
		if !ok {
			return ErrParam("Unable to find affinity group by name %s", name)
		}
		r.affinityGroups = append(r.affinityGroups, g.ID)
	}
	sgNames := c.List("securitygroupnames")
	if len(sgIDs) > 0 && len(sgNames) > 0 {
		return ErrParam("securitygroupids parameter is mutually exclusive with securitygroupnames parameter")
	}
	if !r.zone.SecurityGroupsEnabled {
		if len(sgIDs) > 0 || len(sgNames) > 0 {
			return ErrParam("Can't create vm with security groups; security group feature is not enabled for this zone")
		}
		return nil
	}
	r.securityGroups = sgIDs
	for _, name := range sgNames {
		g, ok := SecurityGroupTable(c.Store).Find(func(g *SecurityGroup) bool { return g.Name == name })
		if !ok {
			return ErrParam("Unable to find security group by name %s", name)
		}
		r.securityGroups = append(r.securityGroups, g.ID)
	}
	if len(r.securityGroups) == 0 {
		if g, ok := LookupSecurityGroup(c.Store, "default"); ok {
			r.securityGroups = []string{g.ID}
		}
	}
	return nil
}

func (r *deployRequest) resolveKeyPair(c *Call, name string) error {
	if name == "" {
		return nil
	}
	if _, ok := LookupSSHKeyPair(c.Store, name); !ok {
		return ErrParam("A key pair with name '%s' was not found.", name)
	}
	r.keyPair = name
	return nil
}

// resolveDisks sizes the ROOT disk (rootdisksize GB, else the offering's root disk size,
// else the template's size) and the optional data disk (createVolume's size rules).
func (r *deployRequest) resolveDisks(c *Call, rootGB int64, hasRoot bool, diskOfferingID string, sizeGB int64, hasSize bool) error {
	switch {
	case hasRoot && rootGB <= 0:
		return ErrParam("Root disk size should be a positive number.")
	case hasRoot && rootGB<<30 < r.template.Size:
		return ErrParam("Root disk size %d GB is smaller than the template size of %d bytes", rootGB, r.template.Size)
	case hasRoot:
		r.rootSize, r.rootOverride = rootGB<<30, true
	case r.offering.RootDiskSize > 0:
		r.rootSize = r.offering.RootDiskSize << 30
	case r.template.Size > 0:
		r.rootSize = r.template.Size
	default:
		r.rootSize = defaultRootDiskSize
	}
	if diskOfferingID == "" {
		return nil
	}
	r.dataDiskOffering, _ = DiskOfferingTable(c.Store).Get(diskOfferingID)
	var err error
	r.dataDiskSize, err = diskSize(r.dataDiskOffering, sizeGB, hasSize)
	return err
}

// resolveNames picks the host name (name, else displayname, else VM-<uuid>), checks it and
// its uniqueness among the account's live VMs, then reserves the NICs' addresses.
func (r *deployRequest) resolveNames(c *Call, name, display string, networkIDs []string) error {
	reqs, err := requestedNICs(c, r.zone, networkIDs)
	if err != nil {
		return err
	}
	switch {
	case name != "":
	case display != "":
		name = display
	default:
		name = "VM-" + newUUID()
	}
	if !validHostName(name) {
		return ErrParam(invalidHostNameText)
	}
	if display == "" {
		display = name
	}
	if _, taken := VMTable(c.Store).Find(func(vm *VM) bool { return !vm.IsRemoved() && strings.EqualFold(vm.Name, name) }); taken {
		return ErrParam("The vm with hostName %s already exists in the network domain: %s; network=%s", name, networkDomain, reqs[0].network.Name)
	}
	r.name, r.display = name, display
	r.nics, err = allocateNICs(c.Store, reqs)
	return err
}

// create stores the VM, its memberships and its volumes.
func (r *deployRequest) create(c *Call) *VM {
	st := c.Store
	now := FormatTime(c.Now)
	vm := &VM{ID: newUUID(), Name: r.name, DisplayName: r.display, InternalID: VMTable(st).Len() + 1, ZoneID: r.zone.ID,
		State: VMStarting, Hypervisor: r.zone.Hypervisor, TemplateID: r.template.ID, TemplateName: r.template.Name,
		TemplateText: r.template.DisplayText, OSTypeID: r.template.OSTypeID, ServiceOfferingID: r.offering.ID,
		CPUNumber: r.cpu, CPUSpeed: r.speed, Memory: r.mem, KeyPair: r.keyPair, UserData: r.userData, NICs: r.nics,
		Created: now}
	if !r.startVM {
		vm.State = VMStopped
	}
	// CloudStack keeps custom compute values and a ROOT size override as VM details.
	vm.Details = map[string]string{}
	if r.offering.Customized {
		vm.Details["cpuNumber"], vm.Details["cpuSpeed"], vm.Details["memory"] = fmt.Sprint(r.cpu), fmt.Sprint(r.speed), fmt.Sprint(r.mem)
	}
	if r.rootOverride {
		vm.Details["rootdisksize"] = fmt.Sprint(r.rootSize >> 30)
	}
	VMTable(st).Put(vm.ID, vm)
	for _, g := range r.affinityGroups {
		AddAffinityGroupMember(st, g, vm.ID)
	}
	for _, g := range r.securityGroups {
		AddSecurityGroupMember(st, g, vm.ID)
	}
	root := &Volume{ID: newUUID(), Name: fmt.Sprintf("ROOT-%d", vm.InternalID), Type: "ROOT", ZoneID: vm.ZoneID,
		State: VolumeAllocated, Size: r.rootSize, ServiceOfferingID: r.offering.ID, TemplateID: r.template.ID,
		VMID: vm.ID, DeviceID: 0, Created: now}
	VolumeTable(st).Put(root.ID, root)
	if r.dataDiskOffering != nil {
		data := &Volume{ID: newUUID(), Name: fmt.Sprintf("DATA-%d", vm.InternalID), Type: "DATADISK", ZoneID: vm.ZoneID,
			State: VolumeAllocated, Size: r.dataDiskSize, DiskOfferingID: r.dataDiskOffering.ID, VMID: vm.ID,
			DeviceID: 1, Attached: now, Created: now}
		VolumeTable(st).Put(data.ID, data)
	}
	return vm
}

// completeDeploy starts the new VM. A template not downloaded to the zone fails with 530,
// no host for the template's hypervisor or no capacity left with 533; either way the VM is
// left in Error (a failed first start), still holding its addresses until it is expunged.
func completeDeploy(c *Call, vmID string, startVM bool) (any, error) {
	vm, ok := LookupVM(c.Store, vmID)
	if !ok {
		return nil, ErrInternal("VM %s was expunged before it could be deployed", vmID)
	}
	if startVM {
		if err := firstStartChecks(c, vm); err != nil {
			vm.State = VMError
			return nil, err
		}
		powerOn(c.Store, vm)
	}
	return Object("virtualmachine", renderVM(c.Store, vm, allVMDetails)), nil
}

// firstStartChecks are what can make a VM's first start fail: the template's readiness in
// the zone, a host of the template's hypervisor, and capacity (one unit of the "vm" pool per
// VM, taken at its first start; later restarts take none).
func firstStartChecks(c *Call, vm *VM) error {
	zone, _ := ZoneTable(c.Store).Get(vm.ZoneID)
	tmpl, ok := lookupTemplate(c.Store, vm.TemplateID, vm.ZoneID)
	noHost := ErrCode(CodeInsufficientCapacity, fmt.Sprintf("Unable to create a deployment for VM[User|%s]", vm.InstanceName()))
	switch {
	case ok && !tmpl.Ready:
		return ErrInternal("Template %s has not been completely downloaded to zone %s", vm.TemplateName, vm.ZoneID)
	case ok && tmpl.Hypervisor != "" && zone != nil && !strings.EqualFold(tmpl.Hypervisor, zone.Hypervisor):
		return noHost
	case !c.TakeCapacity("vm"):
		return noHost
	}
	return nil
}

// neverStarted reports a VM whose ROOT volume was never created (deployed with
// startvm=false, or whose first start failed).
func neverStarted(st *Store, vm *VM) bool {
	for _, v := range volumesOf(st, vm.ID) {
		if v.Type == "ROOT" {
			return v.State == VolumeAllocated
		}
	}
	return false
}

// powerOn runs the VM; its volumes are created on primary storage on the way.
func powerOn(st *Store, vm *VM) {
	vm.State = VMRunning
	for _, v := range volumesOf(st, vm.ID) {
		if v.State == VolumeAllocated {
			v.State = VolumeReady
		}
	}
}
