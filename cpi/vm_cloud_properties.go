package cpi

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// vmCloudProperties are create_vm's cloud_properties: the director's shallow merge of the AZ's, the
// vm_type's and the vm_extensions' properties. The names are those of the older CloudStack CPI, so
// cloud-configs written for it keep working.
type vmCloudProperties struct {
	Zone            string `json:"zone"`             // zone name or id, usually from the AZ
	ComputeOffering string `json:"compute_offering"` // service offering name or id
	// CPU, RAM (MiB) and CPUSpeed (MHz) size a VM of a customized offering.
	CPU      int `json:"cpu"`
	RAM      int `json:"ram"`
	CPUSpeed int `json:"cpu_speed"`
	// Sizes are in MiB, as everywhere in BOSH; CloudStack takes GiB, rounded up.
	RootDiskSize      int64 `json:"root_disk_size"`
	EphemeralDiskSize int64 `json:"ephemeral_disk_size"`
	// EphemeralDisk is the AWS/OpenStack spelling ({"size": MiB}); Disk the older CloudStack CPI's.
	EphemeralDisk         *ephemeralDiskProperty `json:"ephemeral_disk"`
	Disk                  int64                  `json:"disk"`
	EphemeralDiskOffering string                 `json:"ephemeral_disk_offering"`

	AffinityGroup     string                     `json:"affinity_group"`
	AffinityGroupType string                     `json:"affinity_group_type"`
	SecurityGroups    []string                   `json:"security_groups"`
	LBs               []lbProperty               `json:"lbs"`
	Routes            map[string][]routeProperty `json:"routes"` // BOSH network name to its extra routes
	KeyName           string                     `json:"key_name"`
}

type ephemeralDiskProperty struct {
	Size int64 `json:"size"`
}

// lbProperty names a load balancer rule the VM joins. A rule that does not exist is created when the
// entry says where (public_ip, public_port, private_port), as the older CPI did.
type lbProperty struct {
	Name         string `json:"name"`
	PublicIP     string `json:"public_ip"`
	PublicPort   int    `json:"public_port"`
	PrivatePort  int    `json:"private_port"`
	Algorithm    string `json:"algorithm"` // roundrobin (default), leastconn or source
	Protocol     string `json:"protocol"`  // tcp (default), udp, tcp-proxy
	OpenFirewall bool   `json:"open_firewall"`
}

// routeProperty is an extra route of a network: traffic to CIDR goes through Gateway (default: the
// network's gateway).
type routeProperty struct {
	CIDR    string `json:"cidr"`
	Gateway string `json:"gateway"`
}

// knownVMCloudProperties are the keys this CPI reads; others are logged, since a typo would otherwise
// be silently ignored (BOSH merges AZ, vm_type and vm_extension properties, so unknown keys are legal).
var knownVMCloudProperties = []string{
	"zone", "compute_offering", "cpu", "ram", "cpu_speed", "root_disk_size", "ephemeral_disk_size",
	"ephemeral_disk", "disk", "ephemeral_disk_offering", "affinity_group", "affinity_group_type",
	"security_groups", "lbs", "routes", "key_name",
}

var lbAlgorithms = []string{"roundrobin", "leastconn", "source"}

const defaultLBAlgorithm = "roundrobin"

// unknownVMCloudProperties lists the keys of raw this CPI does not read, sorted.
func unknownVMCloudProperties(raw json.RawMessage) []string {
	var all map[string]json.RawMessage
	if json.Unmarshal(raw, &all) != nil {
		return nil
	}
	var unknown []string
	for key := range all {
		if !slices.Contains(knownVMCloudProperties, key) {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// check reports what is wrong with the properties on their own, before CloudStack is asked anything.
func (p vmCloudProperties) check() error {
	bad := func(format string, args ...any) error {
		return NewCloudError(nil, "create_vm: cloud_properties."+format, args...)
	}
	if strings.TrimSpace(p.ComputeOffering) == "" {
		return bad("compute_offering is required: name a CloudStack service offering (name or id)")
	}
	for key, value := range map[string]int64{"cpu": int64(p.CPU), "ram": int64(p.RAM), "cpu_speed": int64(p.CPUSpeed),
		"root_disk_size": p.RootDiskSize, "ephemeral_disk_size": p.EphemeralDiskSize, "disk": p.Disk} {
		if value < 0 {
			return bad("%s must not be negative, got %d", key, value)
		}
	}
	if p.EphemeralDisk != nil && p.EphemeralDisk.Size < 0 {
		return bad("ephemeral_disk.size must not be negative, got %d", p.EphemeralDisk.Size)
	}
	for i, lb := range p.LBs {
		if err := lb.check(i); err != nil {
			return err
		}
	}
	for network, routes := range p.Routes {
		for i, r := range routes {
			if prefix, err := netip.ParsePrefix(strings.TrimSpace(r.CIDR)); err != nil || !prefix.Addr().Is4() {
				return bad("routes.%s[%d].cidr must be an IPv4 CIDR like 10.0.0.0/16, got %q", network, i, r.CIDR)
			}
			if r.Gateway != "" {
				if _, err := netip.ParseAddr(r.Gateway); err != nil {
					return bad("routes.%s[%d].gateway must be an IP address, got %q", network, i, r.Gateway)
				}
			}
		}
	}
	return nil
}

func (lb lbProperty) check(i int) error {
	bad := func(format string, args ...any) error {
		return NewCloudError(nil, "create_vm: cloud_properties.lbs[%d]%s", i, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(lb.Name) == "" {
		return bad(".name is required: name the load balancer rule the VM joins")
	}
	if lb.Algorithm != "" && !slices.Contains(lbAlgorithms, lb.Algorithm) {
		return bad(" (%s): algorithm must be one of %s, got %q", lb.Name, strings.Join(lbAlgorithms, ", "), lb.Algorithm)
	}
	if lb.PublicIP == "" {
		return nil
	}
	if _, err := netip.ParseAddr(lb.PublicIP); err != nil {
		return bad(" (%s): public_ip must be an IP address, got %q", lb.Name, lb.PublicIP)
	}
	for key, port := range map[string]int{"public_port": lb.PublicPort, "private_port": lb.PrivatePort} {
		if port < 1 || port > 65535 {
			return bad(" (%s): %s must be between 1 and 65535 to create the rule, got %d", lb.Name, key, port)
		}
	}
	return nil
}

// ephemeralSizeMiB is the requested ephemeral disk size: ephemeral_disk_size, else ephemeral_disk.size,
// else the older CPI's disk; 0 when none is given.
func (p vmCloudProperties) ephemeralSizeMiB() (int64, string) {
	switch {
	case p.EphemeralDiskSize > 0:
		return p.EphemeralDiskSize, "ephemeral_disk_size"
	case p.EphemeralDisk != nil && p.EphemeralDisk.Size > 0:
		return p.EphemeralDisk.Size, "ephemeral_disk.size"
	case p.Disk > 0:
		return p.Disk, "disk"
	}
	return 0, ""
}

// mibToGiB rounds a BOSH size up to CloudStack's unit: 1500 MiB needs 2 GiB, not 1.
func mibToGiB(mib int64) int64 {
	return (mib + 1023) / 1024
}
