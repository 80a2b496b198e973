package simulator

import (
	"crypto/md5"
	"fmt"
	"strings"
)

// Volume is a disk: the ROOT disk made with its VM, or a DATADISK (created at deploy with
// diskofferingid, or by createVolume). Size is in bytes.
type Volume struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	Type              string `json:"type"` // ROOT or DATADISK
	ZoneID            string `json:"zoneid"`
	State             string `json:"state"`
	Size              int64  `json:"size"`
	DiskOfferingID    string `json:"diskofferingid,omitempty"`
	ServiceOfferingID string `json:"serviceofferingid,omitempty"`
	TemplateID        string `json:"templateid,omitempty"`
	VMID              string `json:"virtualmachineid,omitempty"`
	DeviceID          int64  `json:"deviceid"`
	Attached          string `json:"attached,omitempty"`
	Created           string `json:"created"`
	// StateBeforeDestroy is what recoverVirtualMachine restores a ROOT volume to.
	StateBeforeDestroy string `json:"statebeforedestroy,omitempty"`
	Removed            string `json:"removed,omitempty"`
}

// Volume states (Volume.State) this simulator uses. A volume is Allocated (no storage yet)
// until the VM it is attached to runs; Destroy is a destroyed VM's ROOT volume.
const (
	VolumeAllocated = "Allocated"
	VolumeReady     = "Ready"
	VolumeDestroy   = "Destroy"
	VolumeExpunged  = "Expunged"
)

// IsRemoved reports a deleted (expunged) volume.
func (v *Volume) IsRemoved() bool { return v.Removed != "" }

// VolumeTable is the volumes table.
func VolumeTable(st *Store) *Table[Volume] { return TableOf[Volume](st, "volumes") }

// LookupVolume returns a volume that has not been deleted.
func LookupVolume(st *Store, id string) (*Volume, bool) {
	v, ok := VolumeTable(st).Get(id)
	if !ok || v.IsRemoved() {
		return nil, false
	}
	return v, true
}

func knownVolume(st *Store, id string) bool {
	_, ok := VolumeTable(st).Get(id)
	return ok
}

// volumesOf lists the live volumes attached to a VM, ROOT first.
func volumesOf(st *Store, vmID string) []*Volume {
	var out []*Volume
	for _, v := range VolumeTable(st).All() {
		if !v.IsRemoved() && v.VMID == vmID {
			out = append(out, v)
		}
	}
	sortBy(out, func(v *Volume) string { return fmt.Sprintf("%05d", v.DeviceID) })
	return out
}

func removeVolume(c *Call, v *Volume) {
	v.State, v.Removed, v.VMID, v.Attached = VolumeExpunged, FormatTime(c.Now), "", ""
	DeleteTagsOf(c.Store, "Volume", v.ID)
}

func init() {
	RegisterFamily(Family{
		Name: "volume",
		Commands: []Command{
			AsyncCreate("createVolume", createVolume),
			Async("attachVolume", attachVolume),
			Async("detachVolume", detachVolume),
			Async("resizeVolume", resizeVolume),
			Sync("deleteVolume", deleteVolume),
			Sync("listVolumes", listVolumes),
		},
		ResourceTypes: []ResourceType{{Name: "Volume", Exists: func(st *Store, id string) bool {
			_, ok := LookupVolume(st, id)
			return ok
		}}},
	})
}

// primaryStorageID names the zone's (single) primary storage pool, stably across restarts.
func primaryStorageID(zoneID string) string {
	b := md5.Sum([]byte("primary-storage/" + zoneID))
	b[6] = b[6]&0x0f | 0x30
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

type volumeView struct {
	ID                         string    `json:"id"`
	Name                       string    `json:"name"`
	ZoneID                     string    `json:"zoneid"`
	ZoneName                   string    `json:"zonename"`
	Type                       string    `json:"type"`
	DeviceID                   *int64    `json:"deviceid,omitempty"`
	VirtualMachineID           string    `json:"virtualmachineid,omitempty"`
	VMName                     string    `json:"vmname,omitempty"`
	VMDisplayName              string    `json:"vmdisplayname,omitempty"`
	VMState                    string    `json:"vmstate,omitempty"`
	VMType                     string    `json:"vmtype,omitempty"`
	Size                       int64     `json:"size"`
	PhysicalSize               int64     `json:"physicalsize,omitempty"`
	VirtualSize                int64     `json:"virtualsize,omitempty"`
	Created                    string    `json:"created"`
	Attached                   string    `json:"attached,omitempty"`
	State                      string    `json:"state"`
	Account                    string    `json:"account"`
	DomainID                   string    `json:"domainid"`
	Domain                     string    `json:"domain"`
	DiskOfferingID             string    `json:"diskofferingid,omitempty"`
	DiskOfferingName           string    `json:"diskofferingname,omitempty"`
	DiskOfferingDisplayText    string    `json:"diskofferingdisplaytext,omitempty"`
	ServiceOfferingID          string    `json:"serviceofferingid,omitempty"`
	ServiceOfferingName        string    `json:"serviceofferingname,omitempty"`
	ServiceOfferingDisplayText string    `json:"serviceofferingdisplaytext,omitempty"`
	TemplateID                 string    `json:"templateid,omitempty"`
	StorageType                string    `json:"storagetype"`
	Hypervisor                 string    `json:"hypervisor"`
	Storage                    string    `json:"storage,omitempty"`
	StorageID                  string    `json:"storageid,omitempty"`
	Path                       string    `json:"path,omitempty"`
	ProvisioningType           string    `json:"provisioningtype"`
	Destroyed                  bool      `json:"destroyed"`
	IsExtractable              bool      `json:"isextractable"`
	DisplayVolume              bool      `json:"displayvolume"`
	QuiesceVM                  bool      `json:"quiescevm"`
	SupportsStorageSnapshot    bool      `json:"supportsstoragesnapshot"`
	Tags                       []TagView `json:"tags"`
}

func renderVolume(st *Store, v *Volume) volumeView {
	view := volumeView{ID: v.ID, Name: v.Name, ZoneID: v.ZoneID, Type: v.Type, Size: v.Size, Created: v.Created,
		State: v.State, Account: st.Account.Account, DomainID: st.Account.DomainID, Domain: st.Account.Domain,
		StorageType: "shared", Hypervisor: "None", ProvisioningType: "thin", Destroyed: v.State == VolumeDestroy,
		IsExtractable: v.Type == "ROOT", DisplayVolume: true, TemplateID: v.TemplateID, Tags: TagsFor(st, "Volume", v.ID)}
	zone, _ := ZoneTable(st).Get(v.ZoneID)
	if zone != nil {
		view.ZoneName = zone.Name
	}
	if v.State != VolumeAllocated && zone != nil {
		// Only a volume created on primary storage has a pool, a path and a hypervisor.
		view.Hypervisor, view.Storage, view.StorageID = zone.Hypervisor, zone.Name+"-primary", primaryStorageID(zone.ID)
		view.Path, view.PhysicalSize, view.VirtualSize = v.ID, v.Size, v.Size
	}
	if vm, ok := VMTable(st).Get(v.VMID); ok && v.VMID != "" {
		dev := v.DeviceID
		view.DeviceID, view.VirtualMachineID, view.VMName, view.VMDisplayName = &dev, vm.ID, vm.Name, vm.DisplayName
		view.VMState, view.VMType, view.Attached = vm.State, "User", v.Attached
	}
	if o, ok := DiskOfferingTable(st).Get(v.DiskOfferingID); ok {
		view.DiskOfferingID, view.DiskOfferingName, view.DiskOfferingDisplayText = o.ID, o.Name, o.DisplayText
		view.StorageType = o.StorageType
	}
	if o, ok := ServiceOfferingTable(st).Get(v.ServiceOfferingID); ok {
		view.ServiceOfferingID, view.ServiceOfferingName, view.ServiceOfferingDisplayText = o.ID, o.Name, o.DisplayText
	}
	return view
}

// listVolumes: deleted volumes are gone (their id gives an empty list); a destroyed VM's
// ROOT volume is listed in state Destroy, as CloudStack shows it to an admin.
func listVolumes(c *Call) (any, error) {
	vmID := c.ID("virtualmachineid", func(id string) bool { return knownVM(c.Store, id) })
	diskOfferingID := c.ID("diskofferingid", func(id string) bool { _, ok := DiskOfferingTable(c.Store).Get(id); return ok })
	typ, state := c.String("type"), c.String("state")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return List(c, VolumeTable(c.Store).All(), ListSpec[Volume]{
		ItemKey: "volume",
		ID:      func(v *Volume) string { return v.ID },
		Name:    func(v *Volume) string { return v.Name },
		Keyword: func(v *Volume) []string { return []string{v.Name} },
		ZoneID:  func(v *Volume) string { return v.ZoneID },
		TagType: "Volume",
		Removed: func(v *Volume) bool { return v.IsRemoved() },
		Filter: func(v *Volume) bool {
			return (vmID == "" || v.VMID == vmID) && (typ == "" || strings.EqualFold(v.Type, typ)) &&
				(state == "" || strings.EqualFold(v.State, state)) && (diskOfferingID == "" || v.DiskOfferingID == diskOfferingID)
		},
		Render: func(v *Volume) any { return renderVolume(c.Store, v) },
	})
}
