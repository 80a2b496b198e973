package simulator

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// ipv4Range is a guest network's CIDR.
type ipv4Range struct{ prefix netip.Prefix }

func parseCIDR(cidr string) (ipv4Range, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return ipv4Range{}, fmt.Errorf("cidr %q is not an IPv4 CIDR", cidr)
	}
	if p.Bits() > 30 {
		return ipv4Range{}, fmt.Errorf("cidr %q leaves no room for guests", cidr)
	}
	return ipv4Range{p.Masked()}, nil
}

func (r ipv4Range) String() string { return r.prefix.String() }

func (r ipv4Range) contains(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && a.Is4() && r.prefix.Contains(a)
}

func (r ipv4Range) netmask() string {
	mask := ^uint32(0) << (32 - r.prefix.Bits())
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], mask)
	return netip.AddrFrom4(b).String()
}

// bounds returns the network and broadcast addresses as integers.
func (r ipv4Range) bounds() (network, broadcast uint32) {
	b := r.prefix.Addr().As4()
	network = binary.BigEndian.Uint32(b[:])
	return network, network | ^(^uint32(0) << (32 - r.prefix.Bits()))
}

func uint32ToIP(n uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return netip.AddrFrom4(b).String()
}

// ipsInUse maps the guest IPs of a network to the live (not expunged) VM holding each. A
// Destroyed VM still holds its addresses, as in CloudStack, until it is expunged.
func ipsInUse(st *Store, networkID string) map[string]string {
	out := map[string]string{}
	for _, vm := range VMTable(st).All() {
		if vm.IsRemoved() {
			continue
		}
		for _, nic := range vm.NICs {
			if nic.NetworkID == networkID {
				out[nic.IPAddress] = vm.ID
			}
		}
	}
	return out
}

// allocateGuestIP picks an address for a new NIC, like IpAddressManager.acquireGuestIpAddress:
// a requested address must be inside the CIDR, not the network, broadcast or gateway
// address, and free; without one, the lowest free address is taken (CloudStack picks a
// random free one; the lowest keeps tests predictable). Failure is CloudStack's
// InsufficientVirtualNetworkCapacityException (533), raised in deploy's synchronous phase.
func allocateGuestIP(st *Store, n *Network, requested string) (string, error) {
	r, err := parseCIDR(n.CIDR)
	if err != nil {
		return "", ErrInternal("network %s has a bad cidr: %v", n.Name, err)
	}
	used := ipsInUse(st, n.ID)
	free := func(ip string) bool { return ip != n.Gateway && used[ip] == "" }
	first, last := r.bounds()
	if requested != "" {
		a, _ := netip.ParseAddr(requested)
		if r.contains(requested) && free(requested) && a.String() != uint32ToIP(first) && a.String() != uint32ToIP(last) {
			return a.String(), nil
		}
	} else {
		for ip := first + 1; ip < last; ip++ {
			if s := uint32ToIP(ip); free(s) {
				return s, nil
			}
		}
	}
	return "", &APIError{Code: CodeInsufficientCapacity, CSCode: csCodeInsufficientVirtualNetworkCapacity,
		Text: "Unable to acquire Guest IP address for network " + n.String()}
}

// csCodeInsufficientVirtualNetworkCapacity is InsufficientVirtualNetworkCapacityException's
// CSExceptionErrorCode.
const csCodeInsufficientVirtualNetworkCapacity = 4331
