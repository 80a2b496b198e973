package simulator

import (
	"net/netip"
	"strings"
)

// nicRequest is one NIC asked for by deployVirtualMachine: a network, maybe an address and
// a MAC.
type nicRequest struct {
	network *Network
	ip, mac string
}

// requestedNICs reads networkids (+ ipaddress for the first) or iptonetworklist; without
// either the VM goes to the zone's first isolated network (CloudStack picks the account's
// default network). The first NIC is the default one.
func requestedNICs(c *Call, zone *Zone, networkIDs []string) ([]nicRequest, error) {
	ipToNetwork := c.Map("iptonetworklist")
	ipAddress := c.String("ipaddress")
	if len(ipToNetwork) > 0 && (len(networkIDs) > 0 || ipAddress != "") {
		return nil, ErrParam("ipToNetworkMap can't be specified along with networkIds or ipAddress")
	}
	var reqs []nicRequest
	for _, m := range ipToNetwork {
		n, ok := NetworkTable(c.Store).Get(m["networkid"])
		if !ok {
			return nil, ErrParam("Unable to translate and find entity with networkId: %s", m["networkid"])
		}
		reqs = append(reqs, nicRequest{network: n, ip: m["ip"], mac: m["mac"]})
	}
	for i, id := range networkIDs {
		n, _ := NetworkTable(c.Store).Get(id)
		r := nicRequest{network: n}
		if i == 0 {
			r.ip = ipAddress
		}
		reqs = append(reqs, r)
	}
	if len(reqs) == 0 {
		n, ok := defaultNetwork(c.Store, zone.ID)
		if !ok {
			return nil, ErrParam("Unable to find a default network to deploy the vm in zone %s; specify networkids", zone.Name)
		}
		reqs = append(reqs, nicRequest{network: n, ip: ipAddress})
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.network.ZoneID != zone.ID {
			return nil, ErrParam("Network id=%s doesn't belong to zone %s", r.network.ID, zone.ID)
		}
		if seen[r.network.ID] {
			return nil, ErrParam("Network id=%s is specified more than once", r.network.ID)
		}
		seen[r.network.ID] = true
		if a, err := netip.ParseAddr(r.ip); r.ip != "" && (err != nil || !a.Is4()) {
			return nil, ErrParam("Invalid specified IPv4 address %s", r.ip)
		}
		if r.mac != "" && !validMAC(r.mac) {
			return nil, ErrParam("Mac address is not valid: %s", r.mac)
		}
	}
	return reqs, nil
}

func defaultNetwork(st *Store, zoneID string) (*Network, bool) {
	if n, ok := NetworkTable(st).Find(func(n *Network) bool { return n.ZoneID == zoneID && n.Type == "Isolated" }); ok {
		return n, true
	}
	return NetworkTable(st).Find(func(n *Network) bool { return n.ZoneID == zoneID })
}

// allocateNICs gives every requested NIC an address and a MAC, in the synchronous phase as
// CloudStack's network gurus do, so a taken address fails the deploy call itself.
func allocateNICs(st *Store, reqs []nicRequest) ([]NIC, error) {
	inUse := macsInUse(st)
	macs := map[string]bool{}
	var nics []NIC
	for i, r := range reqs {
		ip, err := allocateGuestIP(st, r.network, r.ip)
		if err != nil {
			return nil, err
		}
		mac := strings.ToLower(r.mac)
		switch {
		case mac == "":
			mac = newMAC(st, macs)
		case inUse[mac] || macs[mac]:
			return nil, ErrParam("A NIC with this MAC address exists for network: %s", r.network.ID)
		}
		macs[mac] = true
		nics = append(nics, NIC{ID: newUUID(), NetworkID: r.network.ID, IPAddress: ip, MACAddress: mac,
			IsDefault: i == 0, DeviceID: i})
	}
	return nics, nil
}
