package simulator

import "strings"

// serverAPIError is an error CloudStack raises as a ServerApiException (e.g. from a create()
// phase that wraps what it catches): its cserrorcode is 9999 whatever the code.
func serverAPIError(code int, text string) *APIError {
	return &APIError{Code: code, CSCode: CSCodeServerAPI, Text: text}
}

// networkForZone picks the network an address or rule goes to when only a zone is given:
// the account's single isolated network there (AssociateIPAddrCmd.getNetworkId).
func networkForZone(st *Store, zone *Zone) (GuestNetworkInfo, error) {
	nets := isolatedNetworksInZone(st, zone.ID)
	switch {
	case len(nets) == 0:
		return GuestNetworkInfo{}, ErrParam("Account name=%s domain=%s doesn't have virtual networks in zone=%s",
			st.Account.Account, st.Account.Domain, zone.Name)
	case len(nets) > 1:
		return GuestNetworkInfo{}, ErrParam("Account has more than one isolated network in the zone")
	}
	return nets[0], nil
}

// associateIpAddress allocates the next free address of the zone in its create() phase
// (so an exhausted range is a synchronous 533) and associates it with the guest network
// in the job.
func associateIPAddress(c *Call) (*Job, error) {
	zoneID := c.ID("zoneid", func(id string) bool { _, ok := ZoneTable(c.Store).Get(id); return ok })
	networkID := c.ID("networkid", guestNetworkExists(c.Store))
	c.ID("vpcid", func(id string) bool { return c.ResourceExists("Vpc", id) })
	requested := c.String("ipaddress")
	display := c.Bool("fordisplay", true)
	if err := c.Err(); err != nil {
		return nil, err
	}
	var network GuestNetworkInfo
	if networkID != "" {
		network, _ = lookupGuestNetwork(c.Store, networkID)
		if zoneID == "" {
			zoneID = network.ZoneID
		}
	}
	zone, ok := ZoneTable(c.Store).Get(zoneID)
	if !ok {
		return nil, ErrParam("Unable to figure out zone to assign IP to. Please specify either zoneId, or networkId, or vpcId in the call")
	}
	if networkID == "" {
		var err error
		if network, err = networkForZone(c.Store, zone); err != nil {
			return nil, err
		}
	}
	if strings.EqualFold(network.Type, "Shared") {
		return nil, ErrParam("Associate IP address can only be called on the shared networks in the advanced zone with Firewall/Source Nat/Static Nat/Port Forwarding/Load balancing services enabled")
	}
	ip, found := PublicIPTable(c.Store).Find(func(ip *PublicIP) bool {
		return ip.ZoneID == zone.ID && ip.State == IPFree && (requested == "" || ip.Address == requested)
	})
	if !found {
		return nil, serverAPIError(CodeInsufficientCapacity, "Insufficient address capacity")
	}
	ip.State, ip.Allocated, ip.Display = IPAllocating, FormatTime(c.Now), display
	return &Job{InstanceType: "IpAddress", InstanceID: ip.ID, Complete: func(c *Call) (any, error) {
		if ip.State != IPAllocating {
			return nil, ErrInternal("Failed to assign IP address")
		}
		ip.State, ip.NetworkID, ip.NetworkName = IPAllocated, network.ID, network.Name
		return Object("ipaddress", renderPublicIP(c.Store, ip)), nil
	}}, nil
}

// disassociateIpAddress validates inside the job, as releaseIpAddress does; releasing an
// address disables its static NAT and deletes its load balancer rules rather than refusing.
func disassociateIPAddress(c *Call) (*Job, error) {
	id := c.ID("id", publicIPExists(c.Store))
	address := c.String("ipaddress")
	if err := c.Err(); err != nil {
		return nil, err
	}
	if id == "" && address == "" {
		return nil, ErrParam("Please specify either IP address or IP address ID")
	}
	if id == "" {
		ip, ok := PublicIPTable(c.Store).Find(func(ip *PublicIP) bool { return ip.Address == address && ip.State != IPFree })
		if !ok {
			return nil, ErrParam("Unable to find IP address by address %s", address)
		}
		id = ip.ID
	}
	return &Job{InstanceType: "IpAddress", InstanceID: id, Complete: func(c *Call) (any, error) {
		ip, _ := PublicIPTable(c.Store).Get(id)
		if ip.State == IPFree {
			return Success(), nil // "is not allocated, so do nothing"
		}
		if ip.SourceNAT {
			// An IllegalArgumentException inside the job: 530.
			return nil, ErrInternal("ip address is used for source nat purposes and can not be disassociated.")
		}
		ip.release(c.Store)
		return Success(), nil
	}}, nil
}

// optBool reads an optional boolean filter: nil when absent.
func optBool(c *Call, name string) *bool {
	if c.String(name) == "" {
		return nil
	}
	b := c.Bool(name, false)
	return &b
}

func listPublicIPAddresses(c *Call) (any, error) {
	address := c.String("ipaddress")
	networkID := c.ID("associatednetworkid", guestNetworkExists(c.Store))
	allocatedOnly := c.Bool("allocatedonly", true)
	staticNAT := optBool(c, "isstaticnat")
	sourceNAT := optBool(c, "issourcenat")
	forVirtualNetwork := optBool(c, "forvirtualnetwork")
	state := c.String("state")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return List(c, PublicIPTable(c.Store).All(), ListSpec[PublicIP]{
		ItemKey: "publicipaddress",
		ID:      func(ip *PublicIP) string { return ip.ID },
		Keyword: func(ip *PublicIP) []string { return []string{ip.Address} },
		ZoneID:  func(ip *PublicIP) string { return ip.ZoneID },
		TagType: "PublicIpAddress",
		Filter: func(ip *PublicIP) bool {
			return (address == "" || ip.Address == address) &&
				(!allocatedOnly || ip.State != IPFree) &&
				(networkID == "" || ip.NetworkID == networkID) &&
				(staticNAT == nil || ip.StaticNAT == *staticNAT) &&
				(sourceNAT == nil || ip.SourceNAT == *sourceNAT) &&
				(forVirtualNetwork == nil || *forVirtualNetwork) &&
				(state == "" || strings.EqualFold(ip.State, state))
		},
		Render: func(ip *PublicIP) any { return renderPublicIP(c.Store, ip) },
	})
}
