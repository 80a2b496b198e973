package simulator

// The VM operations after deploy. Apart from recover and update (synchronous in CloudStack),
// they are plain async commands: only parameter binding fails the call; every state rule is
// checked inside the job, which runs in the VM's queue, so it sees the state the previous
// job left.

// vmJob binds the id parameter and builds a job on that VM's queue; run gets the live VM.
func vmJob(c *Call, run func(c *Call, vm *VM) (any, error)) (*Job, error) {
	id := c.RequiredID("id", func(id string) bool { return knownVM(c.Store, id) })
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &Job{InstanceType: "VirtualMachine", InstanceID: id, VMID: id, Complete: func(c *Call) (any, error) {
		settleFailedDeploys(c)
		vm, ok := LookupVM(c.Store, id)
		if !ok {
			return nil, ErrParam("unable to find a virtual machine with id %s", id)
		}
		return run(c, vm)
	}}, nil
}

func vmResult(c *Call, vm *VM) (any, error) {
	return Object("virtualmachine", renderVM(c.Store, vm, allVMDetails)), nil
}

func startVirtualMachine(c *Call) (*Job, error) {
	return vmJob(c, func(c *Call, vm *VM) (any, error) {
		switch vm.State {
		case VMRunning:
			return nil, ErrParam("The virtual machine %s (%s) is already running", vm.ID, vm.DisplayName)
		case VMStopped:
		default:
			return nil, ErrParam("The virtual machine %s (%s) cannot be started in state %s", vm.ID, vm.DisplayName, vm.State)
		}
		if neverStarted(c.Store, vm) {
			if err := firstStartChecks(c, vm); err != nil {
				vm.State = VMError
				return nil, err
			}
		}
		powerOn(c.Store, vm)
		return vmResult(c, vm)
	})
}

// stopVirtualMachine stops a running VM (forced or not: the simulator's VMs always obey);
// stopping a stopped VM succeeds without change, as in CloudStack.
func stopVirtualMachine(c *Call) (*Job, error) {
	c.Bool("forced", false)
	return vmJob(c, func(c *Call, vm *VM) (any, error) {
		switch vm.State {
		case VMRunning:
			vm.State = VMStopped
		case VMStopped:
		default:
			return nil, ErrInternal("Unable to stop VM %s (%s): it is in state %s", vm.ID, vm.InstanceName(), vm.State)
		}
		return vmResult(c, vm)
	})
}

func rebootVirtualMachine(c *Call) (*Job, error) {
	c.Bool("forced", false)
	return vmJob(c, func(c *Call, vm *VM) (any, error) {
		if vm.State != VMRunning {
			return nil, ErrParam("The VM %s (%s) is not running, unable to reboot it", vm.ID, vm.DisplayName)
		}
		return vmResult(c, vm)
	})
}

// destroyVirtualMachine: without expunge the VM is Destroyed (recoverable) and keeps its
// addresses, host name and data disks; its ROOT volume goes to Destroy. With expunge=true
// (allowed: listCapabilities reports allowuserexpungerecovervm) it is expunged at once. A VM
// in Error goes straight to expunging, as CloudStack's state machine has it. Data disks named
// in volumeids are detached and deleted with it.
func destroyVirtualMachine(c *Call) (*Job, error) {
	expunge := c.Bool("expunge", false)
	volumeIDs := c.IDs("volumeids", func(id string) bool { return knownVolume(c.Store, id) })
	return vmJob(c, func(c *Call, vm *VM) (any, error) {
		var doomed []*Volume
		for _, id := range volumeIDs {
			v, ok := LookupVolume(c.Store, id)
			switch {
			case !ok:
				return nil, ErrParam("Unable to find volume with ID: %s", id)
			case v.Type != "DATADISK":
				return nil, ErrParam("Please specify volume of type DATADISK")
			case v.VMID != vm.ID:
				return nil, ErrParam("Volume %s is not attached to the VM %s", id, vm.ID)
			}
			doomed = append(doomed, v)
		}
		for _, v := range doomed {
			removeVolume(c, v)
		}
		switch {
		case expunge || vm.State == VMError:
			expungeVM(c, vm)
		case vm.State == VMDestroyed:
		default:
			vm.State = VMDestroyed
			for _, v := range volumesOf(c.Store, vm.ID) {
				if v.Type == "ROOT" {
					v.StateBeforeDestroy, v.State = v.State, VolumeDestroy
				}
			}
		}
		return vmResult(c, vm)
	})
}

func expungeVirtualMachine(c *Call) (*Job, error) {
	return vmJob(c, func(c *Call, vm *VM) (any, error) {
		if vm.State != VMDestroyed && vm.State != VMError {
			return nil, ErrParam("Please specify a vm that is in Destroyed or Expunging state")
		}
		expungeVM(c, vm)
		return Success(), nil
	})
}

// expungeVM removes a VM for good: its addresses become free (they are the NICs of live
// VMs), its ROOT volume is deleted, its data disks are detached and survive, its group
// memberships and tags go, then the other families' hooks run.
func expungeVM(c *Call, vm *VM) {
	st := c.Store
	vm.State, vm.Removed = VMExpunging, FormatTime(c.Now)
	for _, v := range volumesOf(st, vm.ID) {
		if v.Type == "ROOT" {
			removeVolume(c, v)
		} else {
			v.VMID, v.Attached, v.DeviceID = "", "", 0
		}
	}
	RemoveVMFromAffinityGroups(st, vm.ID)
	RemoveVMFromSecurityGroups(st, vm.ID)
	DeleteTagsOf(st, "UserVm", vm.ID)
	for _, hook := range vmExpungeHooks {
		hook(st, vm.ID)
	}
}

// recoverVirtualMachine (synchronous) brings a Destroyed VM back as Stopped.
func recoverVirtualMachine(c *Call) (any, error) {
	id := c.RequiredID("id", func(id string) bool { return knownVM(c.Store, id) })
	if err := c.Err(); err != nil {
		return nil, err
	}
	vm, ok := LookupVM(c.Store, id)
	if !ok {
		return nil, ErrParam("Unable to find vm by id %s", id)
	}
	if vm.State != VMDestroyed {
		return nil, ErrParam("Vm with specified id is not in the right state")
	}
	vm.State = VMStopped
	for _, v := range volumesOf(c.Store, vm.ID) {
		if v.State == VolumeDestroy {
			v.State, v.StateBeforeDestroy = orDefault(v.StateBeforeDestroy, VolumeReady), ""
		}
	}
	return vmResult(c, vm)
}

// updateVirtualMachine (synchronous) changes the display name and user-data; CloudStack
// applies new user-data at the next start, the simulator keeps it at once.
func updateVirtualMachine(c *Call) (any, error) {
	id := c.RequiredID("id", func(id string) bool { return knownVM(c.Store, id) })
	if err := c.Err(); err != nil {
		return nil, err
	}
	settleFailedDeploys(c)
	vm, ok := LookupVM(c.Store, id)
	if !ok || vm.State == VMError {
		return nil, ErrParam("Vm with id %s is not in the right state", id)
	}
	var userData string
	if c.Has("userdata") {
		var err error
		if userData, err = validateUserData(c.String("userdata")); err != nil {
			return nil, err
		}
	}
	if name := c.String("displayname"); name != "" {
		vm.DisplayName = name
	}
	if c.Has("userdata") {
		vm.UserData = userData
	}
	return vmResult(c, vm)
}
