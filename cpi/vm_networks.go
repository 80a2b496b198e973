package cpi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
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

// resolve finds every CloudStack network and the vip's public address in the zone, and checks what
// only CloudStack knows: that static addresses lie in their network and the vip can be NATed.
func (n *vmNetworks) resolve(ctx context.Context, cloud Cloud, zone cloudstack.Zone) error {
	for _, nic := range n.nics {
		network, found, err := cloud.Networks().Find(ctx, nic.ref, zone.ID)
		if err != nil {
			return NewCloudError(err, "create_vm: looking up network '%s' (networks.%s.cloud_properties.name)", nic.ref, nic.boshName)
		}
		if !found {
			return NewNetworkNotFound(nil, "create_vm: network '%s' (networks.%s.cloud_properties.name) does not exist in zone '%s'", nic.ref, nic.boshName, zone.Name)
		}
		nic.network = network
		if err := nic.checkStaticIP(); err != nil {
			return err
		}
	}
	for i, a := range n.nics {
		for _, b := range n.nics[i+1:] {
			if a.network.ID == b.network.ID {
				return NewCloudError(nil, "create_vm: networks %s and %s are both on CloudStack network '%s' (%s): a VM has one NIC per CloudStack network",
					a.boshName, b.boshName, a.network.Name, a.network.ID)
			}
		}
	}
	if err := n.resolveRoutes(); err != nil {
		return err
	}
	if n.vip != nil {
		return n.resolveVIP(ctx, cloud, zone)
	}
	return nil
}

func (nic *vmNIC) checkStaticIP() error {
	if nic.bosh.Type != registry.NetworkManual || nic.network.CIDR == "" {
		return nil
	}
	prefix, err := netip.ParsePrefix(nic.network.CIDR)
	if err != nil {
		return nil // a CIDR CloudStack cannot have sent; CloudStack checks the address itself
	}
	if addr, _ := netip.ParseAddr(nic.bosh.IP); !prefix.Contains(addr) {
		return NewCloudError(nil, "create_vm: networks.%s.ip %s is outside CloudStack network '%s' (%s)",
			nic.boshName, nic.bosh.IP, nic.network.Name, nic.network.CIDR)
	}
	return nil
}

func (n *vmNetworks) resolveRoutes() error {
	n.routes = map[string][]registry.Route{}
	for name, props := range n.routeProps {
		nic := n.nic(name)
		for i, r := range props {
			prefix, _ := netip.ParsePrefix(strings.TrimSpace(r.CIDR)) // checked by vmCloudProperties.check
			gateway := firstNonEmptyString(r.Gateway, nic.bosh.Gateway, nic.network.Gateway)
			if gateway == "" {
				return NewCloudError(nil, "create_vm: cloud_properties.routes.%s[%d] (%s) has no gateway and network %s has none to default to", name, i, r.CIDR, name)
			}
			n.routes[name] = append(n.routes[name], registry.Route{
				Destination: prefix.Masked().Addr().String(), Gateway: gateway, Netmask: prefixNetmask(prefix),
			})
		}
	}
	return nil
}

func (n *vmNetworks) resolveVIP(ctx context.Context, cloud Cloud, zone cloudstack.Zone) error {
	vip := n.vip
	ip, found, err := cloud.PublicIPs().FindByAddress(ctx, vip.ip, zone.ID)
	if err != nil {
		return NewCloudError(err, "create_vm: looking up public IP %s (networks.%s.ip)", vip.ip, vip.boshName)
	}
	switch {
	case !found:
		return NewCloudError(nil, "create_vm: public IP %s (vip network %s) is not allocated to the account in zone '%s': acquire it first", vip.ip, vip.boshName, zone.Name)
	case ip.IsSourceNAT:
		return NewCloudError(nil, "create_vm: public IP %s (vip network %s) is its network's source NAT address, which CloudStack cannot static-NAT to a VM", vip.ip, vip.boshName)
	case ip.IsStaticNAT && ip.VMID != "":
		return NewCloudError(nil, "create_vm: public IP %s (vip network %s) is already static-NATed to VM %s", vip.ip, vip.boshName, ip.VMID)
	}
	vip.publicIP = ip
	if vip.ref != "" {
		for _, nic := range n.nics {
			if nic.ref == vip.ref || nic.network.ID == vip.ref || nic.network.Name == vip.ref {
				vip.networkID = nic.network.ID
			}
		}
		if vip.networkID == "" {
			return NewCloudError(nil, "create_vm: networks.%s.cloud_properties.name names network '%s', which is none of the VM's NIC networks", vip.boshName, vip.ref)
		}
	}
	if ip.NetworkID != "" && vip.networkID == "" {
		for _, nic := range n.nics {
			if nic.network.ID == ip.NetworkID {
				vip.networkID = nic.network.ID
			}
		}
		if vip.networkID == "" {
			return NewCloudError(nil, "create_vm: public IP %s (vip network %s) belongs to CloudStack network %s, in which the VM has no NIC", vip.ip, vip.boshName, ip.NetworkID)
		}
	}
	return nil
}

// securityGroupsEnabled reports whether any NIC is filtered by security groups.
func (n *vmNetworks) securityGroupsEnabled() bool {
	for _, nic := range n.nics {
		if nic.network.SecurityGroupsEnabled() {
			return true
		}
	}
	return false
}

func (n *vmNetworks) nicSpecs() []cloudstack.NICSpec {
	specs := make([]cloudstack.NICSpec, 0, len(n.nics))
	for _, nic := range n.nics {
		spec := cloudstack.NICSpec{NetworkID: nic.network.ID, MAC: nic.mac}
		if nic.bosh.Type == registry.NetworkManual {
			spec.IP = nic.bosh.IP
		}
		specs = append(specs, spec)
	}
	return specs
}

// settingsInput is the networks part of the agent settings: the director's networks, the MACs the CPI
// chose (none for a single NIC: the agent then takes the only NIC) and the routes.
func (n *vmNetworks) settingsInput() (registry.Networks, map[string]registry.NIC) {
	networks := make(registry.Networks, len(n.input))
	nics := map[string]registry.NIC{}
	for name, network := range n.input {
		if network.Type != registry.NetworkVIP {
			// A MAC the director copied from an older VM's state would name another NIC.
			network.Mac = ""
		}
		networks[name] = network
	}
	for _, nic := range n.nics {
		if nic.mac != "" {
			nics[nic.boshName] = registry.NIC{MAC: nic.mac}
		}
	}
	return networks, nics
}

// checkMACs fails when CloudStack did not give the NICs the MACs the agent settings promise (a
// CloudStack that ignores iptonetworklist's mac): the agent would not find its networks.
func (n *vmNetworks) checkMACs(vm cloudstack.VM) error {
	for _, nic := range n.nics {
		if nic.mac == "" {
			continue
		}
		got, ok := vmNICOn(vm, nic.network.ID)
		if !ok {
			return fmt.Errorf("VM %s has no NIC on network '%s' (%s) after deploy", vm.ID, nic.network.Name, nic.network.ID)
		}
		if !strings.EqualFold(got.MAC, nic.mac) {
			return fmt.Errorf("CloudStack gave the NIC of VM %s on network '%s' MAC %s instead of the requested %s "+
				"(this CloudStack ignores iptonetworklist's mac, which VMs with several networks need)", vm.ID, nic.network.Name, got.MAC, nic.mac)
		}
	}
	return nil
}

// result is the v2 create_vm answer's networks: the director's, with each NIC network's actual address,
// netmask, gateway and MAC.
func (n *vmNetworks) result(vm cloudstack.VM) map[string]registry.Network {
	out := make(map[string]registry.Network, len(n.input))
	for name, network := range n.input {
		out[name] = network
	}
	for _, nic := range n.nics {
		actual, ok := vmNICOn(vm, nic.network.ID)
		if !ok {
			continue
		}
		network := out[nic.boshName]
		network.IP = firstNonEmptyString(actual.IP, network.IP)
		network.Netmask = firstNonEmptyString(actual.Netmask, network.Netmask)
		network.Gateway = firstNonEmptyString(actual.Gateway, network.Gateway)
		network.Mac = strings.ToLower(actual.MAC)
		out[nic.boshName] = network
	}
	return out
}

func vmNICOn(vm cloudstack.VM, networkID string) (cloudstack.NIC, bool) {
	for _, nic := range vm.NICs {
		if nic.NetworkID == networkID {
			return nic, true
		}
	}
	return cloudstack.NIC{}, false
}

// newMAC is a random locally administered unicast MAC. Its first octet, 0x1e, differs from the 0x02
// CloudStack gives the MACs it picks, so the two never collide; 40 random bits make a collision between
// the CPI's own MACs in one network negligible (CloudStack refuses the deploy if one happens).
func newMAC() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("1e:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4])
}

func prefixNetmask(p netip.Prefix) string {
	bits := p.Bits()
	mask := make([]byte, 4)
	for i := range mask {
		switch {
		case bits >= 8:
			mask[i] = 0xff
			bits -= 8
		case bits > 0:
			mask[i] = byte(0xff << (8 - bits))
			bits = 0
		}
	}
	return netip.AddrFrom4([4]byte(mask)).String()
}

func firstNonEmptyString(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "'" + n + "'"
	}
	return out
}
