package registry

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DefaultUserDataMaxBytes is CloudStack's default vm.userdata.max.length,
// a limit on the base64 text.
const DefaultUserDataMaxBytes = 32768

// UserDataTooLargeError says the user-data would not fit the configured
// limit. Size and Max count base64 bytes; EnvBytes is the JSON size of the
// env, usually most of it.
type UserDataTooLargeError struct {
	Size     int
	Max      int
	EnvBytes int
}

func (e *UserDataTooLargeError) Error() string {
	return fmt.Sprintf("agent settings are %d bytes of base64 user-data, more than cloudstack.user_data_max_bytes (%d): "+
		"the env (certificates, blobstore credentials) is too large at %d bytes of JSON; "+
		"raise CloudStack's vm.userdata.max.length and cloudstack.user_data_max_bytes with it (up to 1048576), or make the env smaller",
		e.Size, e.Max, e.EnvBytes)
}

// userData is what goes into user-data: the settings, plus the keys agents
// older than v2.478.0 looked at (server.name, dns.nameserver) and that
// current agents parse and ignore.
type userData struct {
	AgentSettings
	Server *serverKey `json:"server,omitempty"`
	DNS    *dnsKey    `json:"dns,omitempty"`
}

type serverKey struct {
	Name string `json:"name"`
}

type dnsKey struct {
	Nameserver []string `json:"nameserver"`
}

type registryKey struct {
	Endpoint string `json:"endpoint"`
}

// bootstrapUserData is the registry-mode user-data.
type bootstrapUserData struct {
	Registry registryKey `json:"registry"`
	Server   serverKey   `json:"server"`
	DNS      *dnsKey     `json:"dns,omitempty"`
}

// EncodeUserData is the CloudStack userdata parameter carrying the full
// settings: base64 (standard alphabet, as deployVirtualMachine wants) of
// the JSON. CloudStack's virtual router serves the decoded JSON at
// /latest/user-data. server.name (from vm.name) and dns.nameserver (from
// the default dns network) are added for old agents. maxBytes <= 0 means
// DefaultUserDataMaxBytes. The settings are validated first.
func EncodeUserData(settings AgentSettings, maxBytes int) (string, error) {
	if err := settings.Validate(); err != nil {
		return "", err
	}
	document := userData{AgentSettings: settings}
	if settings.VM.Name != "" {
		document.Server = &serverKey{Name: settings.VM.Name}
	}
	if nameservers := settingsNameservers(settings.Networks); len(nameservers) > 0 {
		document.DNS = &dnsKey{Nameserver: nameservers}
	}
	encoded, err := encode(document)
	if err != nil {
		return "", err
	}
	if limit := limitOrDefault(maxBytes); len(encoded) > limit {
		return "", &UserDataTooLargeError{Size: len(encoded), Max: limit, EnvBytes: len(settings.Env)}
	}
	return encoded, nil
}

// RegistryBootstrap is what an old agent (stemcell API version 1) needs to
// fetch its settings from the registry: GET <endpoint>/instances/<server
// name>/settings.
type RegistryBootstrap struct {
	Endpoint    string // registry URL, http(s)://host:port
	Username    string
	Password    string
	ServerName  string // the id the settings are stored under (Client.Put)
	Nameservers []string
}

// EncodeRegistryUserData is the base64 bootstrap user-data of registry
// mode: {"registry":{"endpoint"},"server":{"name"},"dns":{"nameserver"}}.
//
// The credentials are embedded in the endpoint URL (http://user:pass@host):
// old agents GET the settings with a plain HTTP client that has no other
// way to authenticate, and the registry answers GET only with basic auth
// (its source-IP check exists for AWS and OpenStack only). That puts the
// registry password in user-data, readable from the VM: use a registry
// whose credentials serve nothing else.
func EncodeRegistryUserData(b RegistryBootstrap, maxBytes int) (string, error) {
	if strings.TrimSpace(b.ServerName) == "" {
		return "", errors.New("registry user-data: the server name is empty")
	}
	endpoint, err := url.Parse(strings.TrimSpace(b.Endpoint))
	if err != nil || (endpoint.Scheme != "http" && endpoint.Scheme != "https") || endpoint.Host == "" {
		return "", fmt.Errorf("registry user-data: the registry endpoint must be an http(s) URL, got %q", safeURL(b.Endpoint))
	}
	if b.Username != "" {
		endpoint.User = url.UserPassword(b.Username, b.Password)
	}
	document := bootstrapUserData{
		Registry: registryKey{Endpoint: strings.TrimRight(endpoint.String(), "/")},
		Server:   serverKey{Name: b.ServerName},
	}
	if len(b.Nameservers) > 0 {
		document.DNS = &dnsKey{Nameserver: b.Nameservers}
	}
	encoded, err := encode(document)
	if err != nil {
		return "", err
	}
	if limit := limitOrDefault(maxBytes); len(encoded) > limit {
		return "", fmt.Errorf("registry user-data is %d bytes of base64, more than cloudstack.user_data_max_bytes (%d)", len(encoded), limit)
	}
	return encoded, nil
}

func encode(document any) (string, error) {
	raw, err := marshalPlain(document)
	if err != nil {
		return "", fmt.Errorf("encoding agent settings as JSON: %w", err)
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

func limitOrDefault(maxBytes int) int {
	if maxBytes <= 0 {
		return DefaultUserDataMaxBytes
	}
	return maxBytes
}

// settingsNameservers mirrors Networks.Nameservers on built settings.
func settingsNameservers(networks map[string]AgentNetwork) []string {
	input := make(Networks, len(networks))
	for name, network := range networks {
		input[name] = Network{Type: network.Type, DNS: network.DNS, Default: network.Default}
	}
	return input.Nameservers()
}

// safeURL is a URL for messages, without any credentials. Text that is
// not a hierarchical URL is not echoed at all: "user:pass@host:port"
// parses as scheme "user" with the password in its opaque part.
func safeURL(raw string) string {
	parsed, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || parsed.Opaque != "" {
		return "(unparseable URL)"
	}
	parsed.User = nil
	return parsed.String()
}
