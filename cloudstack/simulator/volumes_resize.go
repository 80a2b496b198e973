package simulator

import "strings"

// resizeVolume follows VolumeApiServiceImpl.resizeVolume, inside the job (failures are
// jobstatus 2 with 431). Without diskofferingid, size (GB) sets the new size (within the
// custom range for a customized offering); with one, a fixed offering gives its size and
// refuses size, a customized one needs size. Shrinking needs shrinkok=true. An Allocated
// volume only changes in the database; a created one attached to a XenServer VM that is not
// stopped cannot be resized.
func resizeVolume(c *Call) (*Job, error) {
	st := c.Store
	id := c.RequiredID("id", func(id string) bool { return knownVolume(st, id) })
	newOfferingID := c.ID("diskofferingid", func(id string) bool { _, ok := DiskOfferingTable(st).Get(id); return ok })
	sizeGB, hasSize := c.Int("size")
	shrinkOK := c.Bool("shrinkok", false)
	if err := c.Err(); err != nil {
		return nil, err
	}
	queue := ""
	if v, ok := LookupVolume(st, id); ok {
		queue = v.VMID
	}
	return &Job{InstanceType: "Volume", InstanceID: id, VMID: queue, Complete: func(c *Call) (any, error) {
		v, ok := LookupVolume(c.Store, id)
		if !ok {
			return nil, ErrParam("No such volume")
		}
		if v.State != VolumeReady && v.State != VolumeAllocated {
			return nil, ErrParam("Volume should be in ready or allocated state before attempting a resize. Volume %s is in state %s.", v.ID, v.State)
		}
		newSize, err := resizeTarget(c.Store, v, newOfferingID, sizeGB, hasSize)
		if err != nil {
			return nil, err
		}
		if newSize < v.Size && !shrinkOK {
			return nil, ErrParam("Going from existing size of %d to size of %d would shrink the volume.Need to sign off by supplying the shrinkok parameter with value of true.", v.Size, newSize)
		}
		if vm, ok := LookupVM(c.Store, v.VMID); ok && v.State != VolumeAllocated && newSize != v.Size &&
			strings.EqualFold(vm.Hypervisor, "XenServer") && vm.State != VMStopped {
			return nil, ErrParam("The VM must be stopped or the disk detached in order to resize with the XenServer Hypervisor.")
		}
		v.Size = newSize
		if newOfferingID != "" {
			v.DiskOfferingID = newOfferingID
		}
		return Object("volume", renderVolume(c.Store, v)), nil
	}}, nil
}

// resizeTarget is the size in bytes a resize asks for.
func resizeTarget(st *Store, v *Volume, newOfferingID string, sizeGB int64, hasSize bool) (int64, error) {
	if newOfferingID == "" {
		if !hasSize {
			return v.Size, nil
		}
		if o, ok := DiskOfferingTable(st).Get(v.DiskOfferingID); ok && o.Customized {
			if err := checkCustomDiskSize(sizeGB); err != nil {
				return 0, err
			}
		}
		if sizeGB <= 0 {
			return 0, ErrParam("Please specify a size of at least 1 GB.")
		}
		return sizeGB << 30, nil
	}
	o, _ := DiskOfferingTable(st).Get(newOfferingID)
	var size int64
	switch {
	case !o.Customized && hasSize:
		return 0, ErrParam("You cannot pass in a custom disk size to a non-custom disk offering.")
	case !o.Customized:
		size = o.DiskSize << 30
	case !hasSize:
		return 0, ErrParam("The new disk offering requires that a size be specified.")
	default:
		if err := checkCustomDiskSize(sizeGB); err != nil {
			return 0, err
		}
		size = sizeGB << 30
	}
	if v.Type == "ROOT" && size != v.Size {
		if vm, ok := LookupVM(st, v.VMID); ok && vm.State != VMStopped {
			return 0, ErrParam("Cannot resize ROOT volume [%s] when VM is not on Stopped State. VM %s is in state %s", v.Name, vm.InstanceName(), vm.State)
		}
	}
	return size, nil
}
