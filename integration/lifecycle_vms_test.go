package integration_test

import (
	"math/rand/v2"
	"net/netip"
	"os"

	. "github.com/onsi/gomega"
)

// lifecycleVM is one of the VMs the lifecycle creates: each shows BOSH's networks in another shape.
type lifecycleVM struct {
	label    string
	props    map[string]any
	networks map[string]any
	// manualIPs are the addresses asked for, by network name.
	manualIPs map[string]string
	cid       string
}

// Optional variables for a real cloud (the simulator has all of these):
//
//	CPI_CLOUDSTACK_MANUAL_IP        a free address of CPI_CLOUDSTACK_NETWORK for the manual network (else a
//	                                random one from the top quarter of its range)
//	CPI_CLOUDSTACK_VIP              a public address of the account, static-NATed to a VM as a vip network
//	CPI_CLOUDSTACK_SECOND_NETWORK   a second guest network, for the VM with two NICs
//
// Without the last two the real-cloud run leaves out the vip and the second NIC.

// lifecycleVMs are the VMs to create on the target.
func (t *target) lifecycleVMs(v cloudView) []*lifecycleVM {
	offering := map[string]any{"compute_offering": t.ComputeOffering}
	if t.Sim != nil {
		return []*lifecycleVM{
			{label: "manual network, vip and ephemeral disk",
				props: map[string]any{"compute_offering": t.ComputeOffering, "ephemeral_disk_size": 2048},
				networks: map[string]any{"private": lifecycleManualNet("10.1.1.40", "zone1-isolated", "255.255.255.0", "10.1.1.1"),
					"public": map[string]any{"type": "vip", "ip": "203.0.113.11", "cloud_properties": map[string]any{}}},
				manualIPs: map[string]string{"private": "10.1.1.40"}},
			{label: "dynamic network", props: offering, networks: map[string]any{"default": dynamicNet("zone1-isolated")}},
			{label: "two NICs", props: offering, networks: map[string]any{
				"first": lifecycleManualNet("10.1.1.41", "zone1-isolated", "255.255.255.0", "10.1.1.1"), "second": dynamicNet("zone1-shared")},
				manualIPs: map[string]string{"first": "10.1.1.41"}},
		}
	}

	network := v.network(t.Network, t.Zone)
	ip := os.Getenv("CPI_CLOUDSTACK_MANUAL_IP")
	if ip == "" {
		ip = addressInTopQuarter(network.CIDR, network.Gateway)
	}
	first := &lifecycleVM{label: "manual network", props: offering,
		networks:  map[string]any{"private": lifecycleManualNet(ip, t.Network, network.Netmask, network.Gateway)},
		manualIPs: map[string]string{"private": ip}}
	if vip := os.Getenv("CPI_CLOUDSTACK_VIP"); vip != "" {
		first.label = "manual network and vip"
		first.networks["public"] = map[string]any{"type": "vip", "ip": vip, "cloud_properties": map[string]any{}}
	}
	vms := []*lifecycleVM{first, {label: "dynamic network", props: offering, networks: map[string]any{"default": dynamicNet(t.Network)}}}
	if second := os.Getenv("CPI_CLOUDSTACK_SECOND_NETWORK"); second != "" {
		vms = append(vms, &lifecycleVM{label: "two NICs", props: offering,
			networks: map[string]any{"first": dynamicNet(t.Network), "second": dynamicNet(second)}})
	}
	return vms
}

func lifecycleManualNet(ip, cloudNetwork, netmask, gateway string) map[string]any {
	return map[string]any{"type": "manual", "ip": ip, "netmask": netmask, "gateway": gateway, "dns": []string{"8.8.8.8"},
		"default": []string{"dns", "gateway"}, "cloud_properties": map[string]any{"name": cloudNetwork}}
}

// addressInTopQuarter picks an address of the network's top quarter, away from where CloudStack hands
// out addresses first (the bottom), and not its gateway or broadcast address.
func addressInTopQuarter(cidr, gateway string) string {
	prefix, err := netip.ParsePrefix(cidr)
	Expect(err).NotTo(HaveOccurred(), "network CIDR %q", cidr)
	Expect(prefix.Addr().Is4()).To(BeTrue(), "network CIDR %q is not IPv4", cidr)
	hostBits := 32 - prefix.Bits()
	Expect(hostBits).To(BeNumerically(">=", 4), "network %s is too small to pick an address from", cidr)
	size := uint32(1) << hostBits
	base := prefix.Masked().Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	for {
		offset := size - size/4 + rand.Uint32N(size/4-1) // never the broadcast address (size-1)
		n := start + offset
		addr := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}).String()
		if addr != gateway {
			return addr
		}
	}
}
