package cpi

import (
	"context"
	"net/netip"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

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

func (n *vmNetworks) hasNICOn(networkID string) bool {
	for _, nic := range n.nics {
		if nic.network.ID == networkID {
			return true
		}
	}
	return false
}
