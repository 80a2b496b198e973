package registry

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// DiskHint tells the agent how to find a disk: the attach_disk v2 result,
// the value of disks.persistent[<cid>] and disks.ephemeral. The agent reads
// "path" into DiskSettings.Path (its mapped resolver's input), "volume_id"
// into VolumeID (SCSI target resolvers) and "id" into DeviceID (SCSI id
// resolvers, which glob /dev/disk/by-id/*<id>).
type DiskHint struct {
	Path     string `json:"path"`
	VolumeID string `json:"volume_id,omitempty"`
	ID       string `json:"id,omitempty"`
}

// UnmarshalJSON also accepts the legacy string form ("/dev/sdc" or "3"),
// which the agent reads as both path and volume id; settings written by
// older CPIs into a registry use it.
func (h *DiskHint) UnmarshalJSON(data []byte) error {
	var legacy string
	if err := json.Unmarshal(data, &legacy); err == nil {
		*h = DiskHint{Path: legacy, VolumeID: legacy}
		return nil
	}
	type plain DiskHint
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("disk hint must be a string or an object with path, volume_id or id: %w", err)
	}
	*h = DiskHint(p)
	return nil
}

// Hypervisor names as CloudStack reports them (listHosts, listVirtualMachines
// "hypervisor"). XCP-ng hosts report "XenServer".
const (
	HypervisorXenServer = "XenServer"
	HypervisorKVM       = "KVM"
	HypervisorVMware    = "VMware"
)

type diskFamily int

const (
	familyGeneric diskFamily = iota // unknown hypervisor: let the agent try xvd, vd and sd
	familyXen
	familyKVM
	familyVMware
)

func familyOf(hypervisor string) diskFamily {
	switch strings.ToLower(strings.TrimSpace(hypervisor)) {
	case "xenserver", "xen", "xcp-ng", "xcpng":
		return familyXen
	case "kvm":
		return familyKVM
	case "vmware":
		return familyVMware
	}
	return familyGeneric
}

// HintFor is the hint for a volume attached at CloudStack deviceid deviceID
// on a VM of that hypervisor, volumeUUID being the volume's CloudStack id.
//
//   - XenServer: the VBD userdevice is the deviceid, and the PV kernel names
//     it /dev/xvd + letter(deviceid); 3 is the CD-ROM, so 4 is /dev/xvde.
//   - KVM: libvirt asks for vd + letter(deviceid), but virtio-blk names
//     disks in probe order, so that name can be another disk. CloudStack
//     sets the disk serial to the first 20 characters of the volume UUID
//     without dashes, so /dev/disk/by-id/virtio-<serial> is stable. The
//     agent's virtio resolver cannot find it by id (it globs the disk CID,
//     dashes included), but its mapped resolver follows any existing path,
//     symlinks included: so the path is the by-id link. The serial also goes
//     in "id", which the agent's SCSI id resolver globs as by-id/*<id> (that
//     also matches virtio-scsi's scsi-0QEMU_QEMU_HARDDISK_<serial>).
//     Without a volume UUID the path falls back to /dev/vd + letter.
//   - VMware: SCSI disks, /dev/sd + letter(deviceid).
//   - anything else: /dev/sd + letter, which the agent's mapped resolver
//     tries as /dev/xvdX, /dev/vdX and /dev/sdX in turn.
//
// volume_id is the deviceid, as both older CloudStack CPIs sent it. A
// negative deviceid (never returned by CloudStack) gives an empty hint.
func HintFor(deviceID int64, hypervisor, volumeUUID string) DiskHint {
	if deviceID < 0 {
		return DiskHint{}
	}
	letters := deviceLetters(deviceID)
	hint := DiskHint{VolumeID: strconv.FormatInt(deviceID, 10)}
	switch familyOf(hypervisor) {
	case familyXen:
		hint.Path = "/dev/xvd" + letters
	case familyKVM:
		hint.Path = "/dev/vd" + letters
		if serial := VirtioSerial(volumeUUID); serial != "" {
			hint.Path = "/dev/disk/by-id/virtio-" + serial
			hint.ID = serial
		}
	default:
		hint.Path = "/dev/sd" + letters
	}
	return hint
}

// SystemDiskPath is disks.system: the root disk, deviceid 0.
func SystemDiskPath(hypervisor string) string {
	switch familyOf(hypervisor) {
	case familyXen:
		return "/dev/xvda"
	case familyKVM:
		return "/dev/vda"
	}
	return "/dev/sda"
}

// VirtioSerial is the serial CloudStack's KVM agent gives a volume's disk:
// the UUID without dashes, cut to 20 characters. "" for an empty UUID.
func VirtioSerial(volumeUUID string) string {
	serial := strings.ReplaceAll(strings.TrimSpace(volumeUUID), "-", "")
	if len(serial) > 20 {
		serial = serial[:20]
	}
	return serial
}

// deviceLetters names disk index n as Linux does: a..z, then aa..az, ba...
func deviceLetters(n int64) string {
	name := ""
	for {
		name = string(rune('a'+n%26)) + name
		n = n/26 - 1
		if n < 0 {
			return name
		}
	}
}
