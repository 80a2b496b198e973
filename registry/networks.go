package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Network is one entry of create_vm's networks argument, as the director
// (manual_network.rb, dynamic_network.rb, vip_network.rb) and the CLI send
// it. CloudProperties is kept as sent: the CPI reads the CloudStack network
// name from it, and it goes into the agent settings unchanged.
type Network struct {
	Type            string          `json:"type"`
	IP              string          `json:"ip,omitempty"`
	Netmask         string          `json:"netmask,omitempty"`
	Gateway         string          `json:"gateway,omitempty"`
	Prefix          string          `json:"prefix,omitempty"`
	DNS             []string        `json:"dns,omitempty"`
	Default         []string        `json:"default,omitempty"`
	Mac             string          `json:"mac,omitempty"`
	NICGroup        string          `json:"nic_group,omitempty"`
	CloudProperties json.RawMessage `json:"cloud_properties,omitempty"`
}

// Networks is create_vm's networks argument: network name to network.
type Networks map[string]Network

// wireNetwork accepts what the director sends loosely typed: prefix and
// nic_group arrive as strings today but are numbers in some versions, and
// gateway or netmask may be null.
type wireNetwork struct {
	Type            string          `json:"type"`
	IP              *string         `json:"ip"`
	Netmask         *string         `json:"netmask"`
	Gateway         *string         `json:"gateway"`
	Prefix          json.RawMessage `json:"prefix"`
	DNS             []string        `json:"dns"`
	Default         []string        `json:"default"`
	Mac             *string         `json:"mac"`
	NICGroup        json.RawMessage `json:"nic_group"`
	CloudProperties json.RawMessage `json:"cloud_properties"`
}

// DecodeNetworks reads create_vm's networks argument. Errors name the
// network and the key at fault.
func DecodeNetworks(raw json.RawMessage) (Networks, error) {
	var wire map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wire); err != nil || wire == nil {
		return nil, fmt.Errorf("networks must be an object of network name to network settings: %s", describeJSON(raw))
	}
	networks := make(Networks, len(wire))
	for name, rawNetwork := range wire {
		network, err := decodeNetwork(name, rawNetwork)
		if err != nil {
			return nil, err
		}
		networks[name] = network
	}
	return networks, nil
}

func decodeNetwork(name string, raw json.RawMessage) (Network, error) {
	var w wireNetwork
	if !isJSONObject(raw) {
		return Network{}, fmt.Errorf("networks.%s must be an object, got %s", name, describeJSON(raw))
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return Network{}, fmt.Errorf("networks.%s.%s must be %s, got a JSON %s", name, typeErr.Field, wantedKind(typeErr.Type.String()), typeErr.Value)
		}
		return Network{}, fmt.Errorf("networks.%s: %v", name, err)
	}
	network := Network{
		Type:    w.Type,
		IP:      deref(w.IP),
		Netmask: deref(w.Netmask),
		Gateway: deref(w.Gateway),
		DNS:     w.DNS,
		Default: w.Default,
		Mac:     deref(w.Mac),
	}
	if network.Type == "" {
		network.Type = NetworkManual // what a network without a type has always meant to the director
	}
	switch network.Type {
	case NetworkManual, NetworkDynamic, NetworkVIP:
	default:
		return Network{}, fmt.Errorf("networks.%s.type must be manual, dynamic or vip, got %q", name, w.Type)
	}
	var err error
	if network.Prefix, err = stringOrNumber(w.Prefix); err != nil {
		return Network{}, fmt.Errorf("networks.%s.prefix %v", name, err)
	}
	if network.NICGroup, err = stringOrNumber(w.NICGroup); err != nil {
		return Network{}, fmt.Errorf("networks.%s.nic_group %v", name, err)
	}
	if len(bytes.TrimSpace(w.CloudProperties)) > 0 && string(bytes.TrimSpace(w.CloudProperties)) != "null" {
		if !isJSONObject(w.CloudProperties) {
			return Network{}, fmt.Errorf("networks.%s.cloud_properties must be an object, got %s", name, describeJSON(w.CloudProperties))
		}
		network.CloudProperties = w.CloudProperties
	}
	return network, nil
}

// NICOrder is the order to give the VM its NICs in: every network but the
// vip ones, the default gateway's first (CloudStack makes the first NIC the
// default one, and the guest calls it eth0), then the others by name.
func (n Networks) NICOrder() []string {
	names := make([]string, 0, len(n))
	for _, name := range sortedNames(n) {
		if n[name].Type != NetworkVIP {
			names = append(names, name)
		}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		return boolRank(n[b].isDefaultFor("gateway")) - boolRank(n[a].isDefaultFor("gateway"))
	})
	return names
}

// Nameservers are the DNS servers of the network that is the default for
// dns (or of the only non-vip network), for the legacy dns.nameserver key.
func (n Networks) Nameservers() []string {
	order := n.NICOrder()
	for _, name := range order {
		if n[name].isDefaultFor("dns") {
			return n[name].DNS
		}
	}
	if len(order) == 1 {
		return n[order[0]].DNS
	}
	return nil
}

func (n Network) isDefaultFor(category string) bool {
	return slices.Contains(n.Default, category)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func wantedKind(goType string) string {
	switch goType {
	case "[]string":
		return "a list of strings"
	case "string", "*string":
		return "a string"
	}
	return "another kind of value"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func stringOrNumber(raw json.RawMessage) (string, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(trimmed, &s); err == nil {
		return s, nil
	}
	var number json.Number
	if err := json.Unmarshal(trimmed, &number); err == nil {
		if _, err := strconv.ParseFloat(number.String(), 64); err == nil {
			return number.String(), nil
		}
	}
	return "", fmt.Errorf("must be a string or a number, got %s", describeJSON(trimmed))
}

// describeJSON names a JSON value's kind for error messages without
// echoing it (it may hold secrets).
func describeJSON(raw json.RawMessage) string {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return "nothing"
	}
	if !json.Valid(trimmed) {
		return "invalid JSON"
	}
	switch trimmed[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
