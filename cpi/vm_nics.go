package cpi

import (
	"crypto/rand"
	"fmt"
	"net/netip"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// What the networks give the deploy call, the agent settings and create_vm's answer.

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
