package cloudstack

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// DeploySpec describes a VM to deploy. Ids are CloudStack uuids.
type DeploySpec struct {
	// Name is the host name (an RFC 1123 label). It is required: it is how a
	// deploy whose answer was lost is found again (FindByName).
	Name        string
	DisplayName string // CloudStack defaults it to Name
	ZoneID      string
	// ServiceOfferingID and TemplateID are required, like ZoneID.
	ServiceOfferingID string
	TemplateID        string
	// NICs in order: the first is the default NIC (eth0). Empty lets
	// CloudStack pick the account's default network.
	NICs             []NICSpec
	KeyPair          string // SSH key pair name
	AffinityGroupIDs []string
	SecurityGroupIDs []string // only in zones with security groups
	// RootDiskSizeGiB overrides the ROOT disk size (at least the template's); 0 keeps it.
	RootDiskSizeGiB int64
	// CPUNumber, CPUSpeedMHz and MemoryMiB size a VM of a customized service
	// offering (sent as details; 0 means not sent).
	CPUNumber   int
	CPUSpeedMHz int
	MemoryMiB   int
	// DataDiskOfferingID adds a DATADISK made and attached with the VM;
	// DataDiskSizeGiB sizes it when the offering is customized.
	DataDiskOfferingID string
	DataDiskSizeGiB    int64
	// UserData is the base64 user-data (CloudStack's default limit is 32 KiB of it).
	UserData   string
	Hypervisor string // only for zones with several hypervisors
	// LeaveStopped deploys without starting the VM (startvm=false).
	LeaveStopped bool
}

// NICSpec is one NIC: its network and, for a static address, the IP.
type NICSpec struct {
	NetworkID string
	IP        string // "" lets CloudStack pick an address
	// MAC asks for this MAC address ("" lets CloudStack pick one). A caller
	// that must know a NIC's MAC before the VM boots (to write it into the
	// user-data) sets it; CloudStack refuses one already used in the network.
	MAC string
}

func (s *vmService) Deploy(ctx context.Context, spec DeploySpec, timeout time.Duration) (VM, error) {
	if err := spec.validate(); err != nil {
		return VM{}, err
	}
	api := s.c.api(ctx)
	var result csapi.VirtualMachine
	id, err := s.c.runCreateJob(ctx, "deployVirtualMachine", "VM", timeout, func() (string, string, error) {
		r, err := api.VirtualMachine.DeployVirtualMachine(spec.params(api))
		if err != nil {
			return "", "", err
		}
		return r.Id, r.JobID, nil
	}, &result)
	if err != nil {
		return VM{}, err
	}
	if result.Id == "" {
		return s.reread(ctx, id)
	}
	return convertVM(&result), nil
}

// reread fetches a VM whose deploy job succeeded without reporting it.
func (s *vmService) reread(ctx context.Context, id string) (VM, error) {
	if !IsID(id) {
		return VM{}, fmt.Errorf("CloudStack job deployVirtualMachine succeeded without reporting the VM")
	}
	vm, found, err := s.Get(ctx, id)
	switch {
	case err != nil:
		return VM{}, err
	case !found:
		return VM{}, fmt.Errorf("CloudStack job deployVirtualMachine succeeded but VM %s does not exist", id)
	}
	return vm, nil
}

// params builds the request. NICs go as networkids unless one has a static
// address or a MAC: then all go as iptonetworklist (CloudStack takes one or
// the other, and only iptonetworklist gives an address or a MAC to a NIC
// other than the first).
func (spec DeploySpec) params(api *csapi.CloudStackClient) *csapi.DeployVirtualMachineParams {
	p := api.VirtualMachine.NewDeployVirtualMachineParams(spec.ServiceOfferingID, spec.TemplateID, spec.ZoneID)
	p.SetName(spec.Name)
	setIfNotEmpty(spec.DisplayName, p.SetDisplayname)
	if spec.needsIPToNetworkList() {
		for _, nic := range spec.NICs {
			entry := map[string]string{"networkid": nic.NetworkID}
			if nic.IP != "" {
				entry["ip"] = nic.IP
			}
			if nic.MAC != "" {
				entry["mac"] = nic.MAC
			}
			p.AddIptonetworklist(entry)
		}
	} else if len(spec.NICs) > 0 {
		ids := make([]string, 0, len(spec.NICs))
		for _, nic := range spec.NICs {
			ids = append(ids, nic.NetworkID)
		}
		p.SetNetworkids(ids)
	}
	setIfNotEmpty(spec.KeyPair, p.SetKeypair)
	if len(spec.AffinityGroupIDs) > 0 {
		p.SetAffinitygroupids(spec.AffinityGroupIDs)
	}
	if len(spec.SecurityGroupIDs) > 0 {
		p.SetSecuritygroupids(spec.SecurityGroupIDs)
	}
	if spec.RootDiskSizeGiB > 0 {
		p.SetRootdisksize(spec.RootDiskSizeGiB)
	}
	details := map[string]string{}
	for key, value := range map[string]int{"cpuNumber": spec.CPUNumber, "cpuSpeed": spec.CPUSpeedMHz, "memory": spec.MemoryMiB} {
		if value > 0 {
			details[key] = strconv.Itoa(value)
		}
	}
	if len(details) > 0 {
		p.SetDetails(details)
	}
	if spec.DataDiskOfferingID != "" {
		p.SetDiskofferingid(spec.DataDiskOfferingID)
		if spec.DataDiskSizeGiB > 0 {
			p.SetSize(spec.DataDiskSizeGiB)
		}
	}
	setIfNotEmpty(spec.UserData, p.SetUserdata)
	setIfNotEmpty(spec.Hypervisor, p.SetHypervisor)
	p.SetStartvm(!spec.LeaveStopped)
	return p
}

func (spec DeploySpec) needsIPToNetworkList() bool {
	for _, nic := range spec.NICs {
		if nic.IP != "" || nic.MAC != "" {
			return true
		}
	}
	return false
}

// validate catches what would otherwise come back as CloudStack's less
// specific 431s, and what CloudStack cannot check: that the VM can be found
// again by name.
func (spec DeploySpec) validate() error {
	if spec.Name == "" {
		return errors.New("deploying a VM: the name is required")
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("deploying VM %q: %s", spec.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case spec.ZoneID == "":
		return fail("the zone id is required")
	case spec.ServiceOfferingID == "":
		return fail("the service offering id is required")
	case spec.TemplateID == "":
		return fail("the template id is required")
	case spec.RootDiskSizeGiB < 0:
		return fail("the root disk size must not be negative, got %d GiB", spec.RootDiskSizeGiB)
	case spec.CPUNumber < 0 || spec.CPUSpeedMHz < 0 || spec.MemoryMiB < 0:
		return fail("cpu (%d), cpu speed (%d MHz) and memory (%d MiB) must not be negative", spec.CPUNumber, spec.CPUSpeedMHz, spec.MemoryMiB)
	case spec.DataDiskSizeGiB < 0:
		return fail("the data disk size must not be negative, got %d GiB", spec.DataDiskSizeGiB)
	case spec.DataDiskSizeGiB > 0 && spec.DataDiskOfferingID == "":
		return fail("a data disk size (%d GiB) needs a data disk offering", spec.DataDiskSizeGiB)
	}
	seen := map[string]bool{}
	for i, nic := range spec.NICs {
		if nic.NetworkID == "" {
			return fail("NIC %d has no network id", i)
		}
		if seen[nic.NetworkID] {
			return fail("network %s is named for two NICs", nic.NetworkID)
		}
		seen[nic.NetworkID] = true
		if addr, err := netip.ParseAddr(nic.IP); nic.IP != "" && (err != nil || !addr.Is4()) {
			return fail("NIC %d (network %s): %q is not an IPv4 address", i, nic.NetworkID, nic.IP)
		}
		if nic.MAC != "" && !isUnicastMAC(nic.MAC) {
			return fail("NIC %d (network %s): %q is not a unicast MAC address like 1e:00:5a:00:00:12", i, nic.NetworkID, nic.MAC)
		}
	}
	if spec.UserData != "" {
		if _, err := base64.StdEncoding.DecodeString(spec.UserData); err != nil {
			return fail("the user-data is not standard base64: %v", err)
		}
	}
	return nil
}

// isUnicastMAC accepts what CloudStack does for a NIC: six colon-separated hex
// octets, the multicast bit clear.
func isUnicastMAC(mac string) bool {
	hw, err := net.ParseMAC(mac)
	return err == nil && len(mac) == 17 && strings.Count(mac, ":") == 5 && len(hw) == 6 && hw[0]&1 == 0
}
