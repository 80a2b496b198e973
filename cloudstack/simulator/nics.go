package simulator

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
)

// NIC is one network interface of a VM, stored in its VM row. DeviceID is the ethN index
// (0 for the default NIC); netmask, gateway and network name come from the network.
type NIC struct {
	ID         string `json:"id"`
	NetworkID  string `json:"networkid"`
	IPAddress  string `json:"ipaddress"`
	MACAddress string `json:"macaddress"`
	IsDefault  bool   `json:"isdefault"`
	DeviceID   int    `json:"deviceid"`
}

// nicView is CloudStack's NicResponse. deviceid is a string on the wire, and
// extradhcpoption must stay an empty array: cloudstack-go v2.19.0 types it []string.
type nicView struct {
	ID              string   `json:"id"`
	NetworkID       string   `json:"networkid"`
	NetworkName     string   `json:"networkname"`
	Netmask         string   `json:"netmask"`
	Gateway         string   `json:"gateway"`
	IPAddress       string   `json:"ipaddress"`
	IsolationURI    string   `json:"isolationuri"`
	BroadcastURI    string   `json:"broadcasturi"`
	TrafficType     string   `json:"traffictype"`
	Type            string   `json:"type"`
	IsDefault       bool     `json:"isdefault"`
	MACAddress      string   `json:"macaddress"`
	DeviceID        string   `json:"deviceid"`
	SecondaryIP     []any    `json:"secondaryip"`
	ExtraDHCPOption []string `json:"extradhcpoption"`
}

func renderNIC(st *Store, nic NIC) nicView {
	v := nicView{ID: nic.ID, NetworkID: nic.NetworkID, IPAddress: nic.IPAddress, IsDefault: nic.IsDefault,
		MACAddress: nic.MACAddress, DeviceID: strconv.Itoa(nic.DeviceID), TrafficType: "Guest",
		SecondaryIP: []any{}, ExtraDHCPOption: []string{}}
	if n, ok := NetworkTable(st).Get(nic.NetworkID); ok {
		v.NetworkName, v.Netmask, v.Gateway, v.Type = n.Name, n.Netmask, n.Gateway, n.Type
		v.BroadcastURI = fmt.Sprintf("vlan://%d", n.VLAN)
		v.IsolationURI = v.BroadcastURI
	}
	return v
}

// macsInUse lists the MAC addresses of live VMs' NICs.
func macsInUse(st *Store) map[string]bool {
	out := map[string]bool{}
	for _, vm := range VMTable(st).All() {
		if vm.IsRemoved() {
			continue
		}
		for _, nic := range vm.NICs {
			out[strings.ToLower(nic.MACAddress)] = true
		}
	}
	return out
}

// newMAC returns a free locally administered address of CloudStack's guest form
// 02:00:xx:xx:xx:xx. taken holds the MACs already chosen in the same deploy.
func newMAC(st *Store, taken map[string]bool) string {
	used := macsInUse(st)
	for {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic(fmt.Sprintf("simulator: crypto/rand failed: %v", err))
		}
		mac := fmt.Sprintf("02:00:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3])
		if !used[mac] && !taken[mac] {
			return mac
		}
	}
}

// validMAC accepts six colon-separated hex octets, the form CloudStack's NetUtils.isValidMac
// takes for a requested MAC.
func validMAC(mac string) bool {
	parts := strings.Split(mac, ":")
	if len(parts) != 6 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 16, 8); err != nil || len(p) != 2 {
			return false
		}
	}
	return true
}
