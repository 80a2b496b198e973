package registry

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// SettingsInput is everything the agent settings are made of.
type SettingsInput struct {
	AgentID string // create_vm's agent_id
	VMName  string // the VM's name, known before deploy (server.name of registry mode)
	VMID    string // the VM's CloudStack id, when known

	Mbus      string     // agent.mbus from the CPI config
	NTP       []string   // agent.ntp
	Blobstore *Blobstore // agent.blobstore, nil when the config has none

	Networks Networks       // create_vm's networks (DecodeNetworks)
	NICs     map[string]NIC // per network name: what deploying the VM assigned
	Routes   map[string][]Route
	// UseDHCP asks the agent to configure every NIC by DHCP, even on manual
	// networks (CloudStack's virtual router hands out the requested IP).
	UseDHCP bool

	SystemDisk      string              // SystemDiskPath(hypervisor)
	EphemeralDisk   *DiskHint           // nil: no ephemeral disk
	RawEphemeral    []RawEphemeralDisk  // rarely used
	PersistentDisks map[string]DiskHint // disk CID to hint

	Env          json.RawMessage // create_vm's env, verbatim; empty means {}
	TrustedCerts string
}

// NIC is what CloudStack reports for the VM's NIC on a network.
type NIC struct {
	MAC     string
	IP      string
	Netmask string
	Gateway string
}

// BuildSettings assembles the agent settings. Networks keep what the
// director sent; a NIC fills in the MAC (always: the agent matches NICs by
// MAC) and the IP, netmask and gateway where the director left them empty
// (dynamic networks). vip networks get no NIC fields: the agent does not
// configure them, the CPI maps them (static NAT). Call Validate (or
// EncodeUserData, which does) to catch what the agent would refuse.
func BuildSettings(in SettingsInput) AgentSettings {
	settings := AgentSettings{
		AgentID:      in.AgentID,
		VM:           VM{Name: in.VMName, ID: in.VMID},
		Mbus:         in.Mbus,
		NTP:          nonNil(slices.Clone(in.NTP)),
		Blobstore:    in.Blobstore,
		Networks:     make(map[string]AgentNetwork, len(in.Networks)),
		Disks:        buildDisks(in),
		Env:          envOrEmpty(in.Env),
		TrustedCerts: in.TrustedCerts,
	}
	for name, network := range in.Networks {
		settings.Networks[name] = buildNetwork(network, in.NICs[name], in.Routes[name], in.UseDHCP)
	}
	return settings
}

func buildNetwork(network Network, nic NIC, routes []Route, useDHCP bool) AgentNetwork {
	agentNetwork := AgentNetwork{
		Type:            network.Type,
		IP:              network.IP,
		Netmask:         network.Netmask,
		Gateway:         network.Gateway,
		Prefix:          network.Prefix,
		Default:         slices.Clone(network.Default),
		DNS:             slices.Clone(network.DNS),
		Mac:             normalMAC(network.Mac),
		Routes:          slices.Clone(routes),
		CloudProperties: network.CloudProperties,
	}
	if agentNetwork.Type == "" {
		agentNetwork.Type = NetworkManual
	}
	if agentNetwork.Type == NetworkVIP {
		return agentNetwork
	}
	agentNetwork.UseDHCP = useDHCP
	if nic.MAC != "" {
		agentNetwork.Mac = normalMAC(nic.MAC)
	}
	agentNetwork.IP = firstNonEmpty(agentNetwork.IP, nic.IP)
	agentNetwork.Netmask = firstNonEmpty(agentNetwork.Netmask, nic.Netmask)
	agentNetwork.Gateway = firstNonEmpty(agentNetwork.Gateway, nic.Gateway)
	return agentNetwork
}

func buildDisks(in SettingsInput) Disks {
	disks := Disks{
		System:       in.SystemDisk,
		RawEphemeral: slices.Clone(in.RawEphemeral),
		Persistent:   make(map[string]DiskHint, len(in.PersistentDisks)),
	}
	if in.EphemeralDisk != nil {
		hint := *in.EphemeralDisk
		disks.Ephemeral = &hint
	}
	for cid, hint := range in.PersistentDisks {
		disks.Persistent[cid] = hint
	}
	return disks
}

// normalMAC lower-cases a MAC: the agent compares it with the kernel's
// /sys/class/net/*/address, which is lower case.
func normalMAC(mac string) string {
	return strings.ToLower(strings.TrimSpace(mac))
}

func envOrEmpty(env json.RawMessage) json.RawMessage {
	trimmed := bytes.TrimSpace(env)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return json.RawMessage(`{}`)
	}
	return env
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
