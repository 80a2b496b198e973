package cpi

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"sort"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// networkCloudProperties are a BOSH subnet's cloud_properties.
type networkCloudProperties struct {
	Name           string   `json:"name"` // CloudStack network name or id
	SecurityGroups []string `json:"security_groups"`
}

// vmNIC is one NIC of the VM: a BOSH manual or dynamic network on a CloudStack guest network.
type vmNIC struct {
	boshName       string
	bosh           registry.Network
	ref            string // cloud_properties.name
	securityGroups []string
	network        cloudstack.Network // resolved
	// mac is chosen by the CPI when the VM has several NICs: the agent matches networks to NICs by MAC,
	// and the settings (user-data) must be complete before CloudStack would pick the MACs.
	mac string
}

// vmVIP is the vip network: a public address static-NATed to the VM.
type vmVIP struct {
	boshName  string
	ip        string
	ref       string // optional cloud_properties.name: the guest network to NAT to
	publicIP  cloudstack.PublicIP
	networkID string
}

// vmNetworks is create_vm's networks argument, checked and, after resolve, tied to CloudStack.
type vmNetworks struct {
	input      registry.Networks
	nics       []*vmNIC // in device order: the network that is the default gateway first
	vip        *vmVIP
	routeProps map[string][]routeProperty
	routes     map[string][]registry.Route // filled by resolve (a route's default gateway is the network's)
}

// planVMNetworks checks the networks on their own: shapes, at most one vip, at least one NIC, static
// addresses present and well-formed, and that routes name NIC networks.
func planVMNetworks(raw json.RawMessage, routes map[string][]routeProperty) (*vmNetworks, error) {
	input, err := registry.DecodeNetworks(raw)
	if err != nil {
		return nil, NewCpiError(nil, "create_vm: argument 4 (networks): %s", err.Error())
	}
	n := &vmNetworks{input: input, routeProps: routes}
	bad := func(format string, args ...any) error { return NewCloudError(nil, "create_vm: "+format, args...) }

	var vips []string
	for name, network := range input {
		if network.Type == registry.NetworkVIP {
			vips = append(vips, name)
		}
	}
	sort.Strings(vips)
	if len(vips) > 1 {
		return nil, bad("networks %s are all of type vip: a VM can have at most one vip network (one static NAT)",
			strings.Join(quoted(vips), ", "))
	}
	order := input.NICOrder()
	if len(order) == 0 {
		return nil, bad("networks has no manual or dynamic network: a VM needs at least one NIC")
	}

	for _, name := range order {
		network := input[name]
		props, err := decodeNetworkProperties(name, network.CloudProperties)
		if err != nil {
			return nil, err
		}
		if props.Name == "" {
			return nil, bad("networks.%s.cloud_properties.name is required: name the CloudStack network (name or id) of this %s network", name, network.Type)
		}
		if network.Type == registry.NetworkManual {
			if network.IP == "" {
				return nil, bad("networks.%s is a manual network without an ip", name)
			}
			if addr, err := netip.ParseAddr(network.IP); err != nil || !addr.Is4() {
				return nil, bad("networks.%s.ip must be an IPv4 address, got %q", name, network.IP)
			}
		}
		n.nics = append(n.nics, &vmNIC{boshName: name, bosh: network, ref: props.Name, securityGroups: props.SecurityGroups})
	}
	seen := map[string]string{}
	for _, nic := range n.nics {
		if other, dup := seen[nic.ref]; dup {
			return nil, bad("networks %s and %s both use CloudStack network '%s': a VM has one NIC per CloudStack network", other, nic.boshName, nic.ref)
		}
		seen[nic.ref] = nic.boshName
	}

	if len(vips) == 1 {
		name := vips[0]
		network := input[name]
		props, err := decodeNetworkProperties(name, network.CloudProperties)
		if err != nil {
			return nil, err
		}
		if addr, err := netip.ParseAddr(network.IP); err != nil || !addr.Is4() {
			return nil, bad("networks.%s is a vip network and needs the public IPv4 address in ip, got %q", name, network.IP)
		}
		n.vip = &vmVIP{boshName: name, ip: network.IP, ref: props.Name}
	}

	for name := range routes {
		if n.nic(name) == nil {
			return nil, bad("cloud_properties.routes.%s names no manual or dynamic network of this VM (networks: %s)", name, strings.Join(quoted(order), ", "))
		}
	}
	if len(n.nics) > 1 {
		for _, nic := range n.nics {
			nic.mac = newMAC()
		}
	}
	return n, nil
}

func decodeNetworkProperties(name string, raw json.RawMessage) (networkCloudProperties, error) {
	var props networkCloudProperties
	if len(bytes.TrimSpace(raw)) == 0 {
		return props, nil
	}
	if err := json.Unmarshal(raw, &props); err != nil {
		return props, NewCpiError(nil, "create_vm: argument 4 (networks): networks.%s.cloud_properties: %s", name, describeDecodeError(err))
	}
	props.Name = strings.TrimSpace(props.Name)
	return props, nil
}

func (n *vmNetworks) nic(boshName string) *vmNIC {
	for _, nic := range n.nics {
		if nic.boshName == boshName {
			return nic
		}
	}
	return nil
}
