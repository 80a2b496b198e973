package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// AgentSettings is the settings document the BOSH agent reads from
// user-data or from a registry. Field names and JSON keys are those of the
// agent's settings.Settings (bosh-agent settings/settings.go); the agent
// ignores keys it does not know (vm.id, networks.*.cloud_properties,
// trusted_certs), which other CPIs send too.
type AgentSettings struct {
	AgentID   string                  `json:"agent_id"`
	VM        VM                      `json:"vm"`
	Mbus      string                  `json:"mbus"`
	NTP       []string                `json:"ntp"`
	Blobstore *Blobstore              `json:"blobstore,omitempty"`
	Networks  map[string]AgentNetwork `json:"networks"`
	Disks     Disks                   `json:"disks"`
	// Env is create_vm's env, passed through untouched: the agent reads
	// bosh.mbus.cert, bosh.blobstores, bosh.ntp, bosh.password and more
	// from it, and the director may add keys this CPI does not know.
	Env          json.RawMessage `json:"env"`
	TrustedCerts string          `json:"trusted_certs,omitempty"`
}

// VM names the VM. The agent reads name only; id is the CloudStack id when
// it is known, for people reading the settings.
type VM struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

// Blobstore is the agent's blobstore when env.bosh.blobstores has none
// (the create-env case).
type Blobstore struct {
	Provider string         `json:"provider"`
	Options  map[string]any `json:"options"`
}

// Disks locates the VM's disks. Persistent is keyed by disk CID; current
// agents keep hints of disks attached later themselves, so it is usually
// empty. Ephemeral is null when the VM has no ephemeral disk: the CloudStack
// stemcell then partitions the root disk (CreatePartitionIfNoEphemeralDisk).
type Disks struct {
	System       string              `json:"system"`
	Ephemeral    *DiskHint           `json:"ephemeral"`
	RawEphemeral []RawEphemeralDisk  `json:"raw_ephemeral,omitempty"`
	Persistent   map[string]DiskHint `json:"persistent"`
}

// RawEphemeralDisk is an entry of disks.raw_ephemeral. The agent decodes
// these straight into its DiskSettings (no JSON tags there), so only keys
// matching its field names case-insensitively work: id and path.
type RawEphemeralDisk struct {
	ID   string `json:"id"`
	Path string `json:"path"`
}

// Network types, as the director sends them and the agent reads them.
const (
	NetworkManual  = "manual"
	NetworkDynamic = "dynamic"
	NetworkVIP     = "vip"
)

// AgentNetwork is one entry of the settings' networks, named as in the
// agent's settings.Network.
type AgentNetwork struct {
	Type    string   `json:"type"`
	IP      string   `json:"ip,omitempty"`
	Netmask string   `json:"netmask,omitempty"`
	Gateway string   `json:"gateway,omitempty"`
	Prefix  string   `json:"prefix,omitempty"`
	UseDHCP bool     `json:"use_dhcp,omitempty"`
	Default []string `json:"default,omitempty"`
	DNS     []string `json:"dns,omitempty"`
	// Mac maps the network to a NIC; with more than one NIC the agent skips
	// networks that have neither mac nor alias.
	Mac             string          `json:"mac,omitempty"`
	Preconfigured   bool            `json:"preconfigured,omitempty"`
	Routes          []Route         `json:"routes,omitempty"`
	Alias           string          `json:"alias,omitempty"`
	CloudProperties json.RawMessage `json:"cloud_properties,omitempty"`
}

// Route is a static route the agent adds after bringing the NIC up. The
// agent's Route has no JSON tags; its decoder matches these lower-case keys
// case-insensitively.
type Route struct {
	Destination string `json:"destination"`
	Gateway     string `json:"gateway"`
	Netmask     string `json:"netmask"`
}

// Validate reports what would make the agent refuse these settings or
// silently lose part of them, every problem at once.
func (s AgentSettings) Validate() error {
	var problems []string
	if strings.TrimSpace(s.AgentID) == "" {
		problems = append(problems, "agent_id is empty (the agent ignores settings without one)")
	}
	if !isJSONObject(s.Env) {
		problems = append(problems, "env must be a JSON object")
	}
	problems = append(problems, s.networkProblems()...)
	if len(problems) == 0 {
		return nil
	}
	return errors.New("invalid agent settings: " + strings.Join(problems, "; "))
}

func (s AgentSettings) networkProblems() []string {
	var problems []string
	nics := 0
	for _, name := range sortedNames(s.Networks) {
		network := s.Networks[name]
		switch network.Type {
		case NetworkManual, NetworkDynamic:
			nics++
		case NetworkVIP:
		default:
			problems = append(problems, fmt.Sprintf("networks.%s.type must be manual, dynamic or vip, got %q", name, network.Type))
		}
	}
	if nics < 2 {
		return problems
	}
	for _, name := range sortedNames(s.Networks) {
		network := s.Networks[name]
		needsNIC := network.Type == NetworkManual || network.Type == NetworkDynamic
		if needsNIC && network.Mac == "" && network.Alias == "" {
			problems = append(problems, fmt.Sprintf("networks.%s has no mac: with several NICs the agent skips a network it cannot match to one", name))
		}
	}
	return problems
}

// JSON is the settings document, compact, with HTML characters left as they
// are (the env's PEM blocks and password hashes stay byte for byte).
func (s AgentSettings) JSON() ([]byte, error) {
	return marshalPlain(s)
}

func marshalPlain(v any) ([]byte, error) {
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func isJSONObject(raw json.RawMessage) bool {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return false
	}
	var object map[string]json.RawMessage
	return json.Unmarshal(trimmed, &object) == nil
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
