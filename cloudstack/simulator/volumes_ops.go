package simulator

// createVolume allocates a DATADISK in its create() phase (state Allocated, no storage yet;
// size errors are HTTP errors of the call). The job takes one unit of the "volume" capacity
// pool (none left: 533, and the volume is destroyed, as CloudStack does when creation
// fails), then, when virtualmachineid was given, attaches the volume to that VM.
func createVolume(c *Call) (*Job, error) {
	st := c.Store
	zoneID := c.ID("zoneid", func(id string) bool { _, ok := ZoneTable(st).Get(id); return ok })
	offeringID := c.ID("diskofferingid", func(id string) bool { _, ok := DiskOfferingTable(st).Get(id); return ok })
	vmID := c.ID("virtualmachineid", func(id string) bool { return knownVM(st, id) })
	sizeGB, hasSize := c.Int("size")
	name := c.String("name")
	if err := c.Err(); err != nil {
		return nil, err
	}
	if c.Has("snapshotid") {
		return nil, ErrParam("Creating a volume from a snapshot is not supported by this simulator; pass diskofferingid")
	}
	if offeringID == "" {
		return nil, ErrParam("At least one of disk Offering ID or snapshot ID must be passed whilst creating volume")
	}
	if vmID != "" && zoneID == "" {
		if vm, ok := LookupVM(st, vmID); ok {
			zoneID = vm.ZoneID
		}
	}
	if zoneID == "" {
		return nil, missingParam(c.Command, "zoneid")
	}
	offering, _ := DiskOfferingTable(st).Get(offeringID)
	size, err := diskSize(offering, sizeGB, hasSize)
	if err != nil {
		return nil, err
	}
	v := &Volume{ID: newUUID(), Name: orDefault(name, newUUID()), Type: "DATADISK", ZoneID: zoneID, State: VolumeAllocated,
		Size: size, DiskOfferingID: offering.ID, Created: FormatTime(c.Now)}
	VolumeTable(st).Put(v.ID, v)
	id := v.ID
	return &Job{InstanceType: "Volume", InstanceID: id, VMID: vmID, Complete: func(c *Call) (any, error) {
		v, ok := LookupVolume(c.Store, id)
		if !ok {
			return nil, ErrInternal("Failed to create volume: %s", id)
		}
		if !c.TakeCapacity("volume") {
			removeVolume(c, v)
			return nil, ErrCode(CodeInsufficientCapacity, "Unable to find suitable primary storage when creating volume "+v.Name)
		}
		if vmID != "" {
			if err := attach(c, v, vmID, nil); err != nil {
				return nil, ErrInternal("Volume: %s created successfully, but failed to attach the newly created volume to VM: %s due to error: %s",
					v.ID, vmID, asAPIError(err).Text)
			}
		}
		return Object("volume", renderVolume(c.Store, v)), nil
	}}, nil
}

// deleteVolume is synchronous: a volume still attached, even to a Destroyed VM, is refused;
// otherwise it is destroyed and expunged at once, so its id then lists nothing.
func deleteVolume(c *Call) (any, error) {
	id := c.RequiredID("id", func(id string) bool { return knownVolume(c.Store, id) })
	if err := c.Err(); err != nil {
		return nil, err
	}
	v, ok := LookupVolume(c.Store, id)
	if !ok {
		return nil, ErrParam("Unable to find volume with ID: %s", id)
	}
	if _, attached := LookupVM(c.Store, v.VMID); attached {
		return nil, ErrParam("Please specify a volume that is not attached to any VM.")
	}
	removeVolume(c, v)
	return Success(), nil
}
