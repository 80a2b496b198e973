package simulator

import "strings"

// maxDataVolumes is hypervisor_capabilities.max_data_volumes_limit of the "default" rows;
// hypervisors not listed get CloudStack's fallback of 6.
var maxDataVolumes = map[string]int{"xenserver": 6, "kvm": 6, "vmware": 59}

func maxDataVolumesOf(hypervisor string) int {
	if n, ok := maxDataVolumes[strings.ToLower(hypervisor)]; ok {
		return n
	}
	return 6
}

// cdromDeviceID is reserved for the CD-ROM and never given to a data disk.
const cdromDeviceID = 3

// attachVolume checks everything inside the job, as CloudStack does for this plain async
// command: failures are jobstatus 2 with 431 (530 for a bad explicit deviceid).
func attachVolume(c *Call) (*Job, error) {
	id := c.RequiredID("id", func(id string) bool { return knownVolume(c.Store, id) })
	vmID := c.RequiredID("virtualmachineid", func(id string) bool { return knownVM(c.Store, id) })
	deviceID, hasDevice := c.Int("deviceid")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &Job{InstanceType: "Volume", InstanceID: id, VMID: vmID, Complete: func(c *Call) (any, error) {
		v, ok := LookupVolume(c.Store, id)
		if !ok {
			return nil, ErrParam("Unable to find volume with ID: %s", id)
		}
		var want *int64
		if hasDevice {
			want = &deviceID
		}
		if err := attach(c, v, vmID, want); err != nil {
			return nil, err
		}
		return Object("volume", renderVolume(c.Store, v)), nil
	}}, nil
}

// attach applies VolumeApiServiceImpl.attachVolumeToVM's rules and picks the device id:
// the lowest free of 1, 2, 4, 5, ... up to the limit + 1 (0 is ROOT, 3 the CD-ROM). On a
// running VM the volume is created on storage (Ready); on a stopped one it stays as it was.
func attach(c *Call, v *Volume, vmID string, want *int64) error {
	settleFailedDeploys(c)
	vm, ok := LookupVM(c.Store, vmID)
	switch {
	case !ok:
		return ErrParam("Please specify a valid User VM.")
	case vm.State != VMRunning && vm.State != VMStopped:
		return ErrParam("Please specify a VM that is either running or stopped.")
	case vm.ZoneID != v.ZoneID:
		return ErrParam("Please specify a VM that is in the same zone as the volume.")
	case v.VMID != "":
		return ErrParam("Please specify a volume that is not attached to any VM.")
	case v.State != VolumeAllocated && v.State != VolumeReady && v.State != "Uploaded":
		return ErrParam("Volume state must be in Allocated, Ready or in Uploaded state")
	}
	attached := volumesOf(c.Store, vm.ID)
	limit := maxDataVolumesOf(vm.Hypervisor)
	dataDisks := 0
	used := map[int64]bool{}
	for _, other := range attached {
		used[other.DeviceID] = true
		if other.Type == "DATADISK" {
			dataDisks++
		}
	}
	if dataDisks >= limit {
		return ErrParam("The specified VM already has the maximum number of data disks (%d). Please specify another VM.", limit)
	}
	maxDeviceID := int64(limit + 1)
	var device int64
	if want != nil {
		device = *want
		if device < 0 || device > maxDeviceID || device == cdromDeviceID {
			return ErrInternal("deviceId should be 0,1,2,4-%d", maxDeviceID)
		}
		if used[device] {
			return ErrInternal("deviceId %d is used by a volume on vm %s", device, vm.InstanceName())
		}
	} else {
		for device = 1; device <= maxDeviceID && (device == cdromDeviceID || used[device]); device++ {
		}
		if device > maxDeviceID {
			return ErrInternal("All device Ids are used by vm %s", vm.InstanceName())
		}
	}
	v.VMID, v.DeviceID, v.Attached = vm.ID, device, FormatTime(c.Now)
	if vm.State == VMRunning && v.State == VolumeAllocated {
		v.State = VolumeReady
	}
	return nil
}

// detachVolume takes id, or virtualmachineid with deviceid; the job runs in the VM's queue.
// A ROOT volume cannot be detached.
func detachVolume(c *Call) (*Job, error) {
	st := c.Store
	id := c.ID("id", func(id string) bool { return knownVolume(st, id) })
	vmID := c.ID("virtualmachineid", func(id string) bool { return knownVM(st, id) })
	deviceID, hasDevice := c.Int("deviceid")
	if err := c.Err(); err != nil {
		return nil, err
	}
	if (id == "") == (vmID == "" || !hasDevice) {
		return nil, ErrParam("Please provide either a volume id, or a tuple(device id, instance id)")
	}
	queue := vmID
	if v, ok := LookupVolume(st, id); ok && id != "" {
		queue = v.VMID
	}
	return &Job{InstanceType: "Volume", InstanceID: id, VMID: queue, Complete: func(c *Call) (any, error) {
		var v *Volume
		if id != "" {
			v, _ = LookupVolume(c.Store, id)
		} else {
			v, _ = VolumeTable(c.Store).Find(func(v *Volume) bool { return !v.IsRemoved() && v.VMID == vmID && v.DeviceID == deviceID })
		}
		switch {
		case v == nil && id != "":
			return nil, ErrParam("Unable to find volume with ID: %s", id)
		case v == nil:
			return nil, ErrParam("Unable to find volume with device id %d on VM %s", deviceID, vmID)
		case v.VMID == "":
			return nil, ErrParam("The specified volume is not attached to a VM.")
		case v.Type == "ROOT":
			return nil, ErrParam("Please specify a data volume.")
		}
		settleFailedDeploys(c)
		if vm, ok := LookupVM(c.Store, v.VMID); ok && vm.State != VMRunning && vm.State != VMStopped && vm.State != VMDestroyed {
			return nil, ErrParam("Please specify a VM that is either running or stopped.")
		}
		v.VMID, v.DeviceID, v.Attached = "", 0, ""
		return Object("volume", renderVolume(c.Store, v)), nil
	}}, nil
}
