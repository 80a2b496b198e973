package config

import (
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is the whole of cpi.json.
type Config struct {
	CloudStack CloudStack `json:"cloudstack"`
	Agent      Agent      `json:"agent"`
	Registry   Registry   `json:"registry"`
	LogLevel   string     `json:"log_level"` // debug|info|warn|error, default "info"

	// Warnings lists what loading noticed but did not refuse, such as
	// "unknown key cloudstack.foo (ignored)", for the caller to log.
	Warnings []string `json:"-"`
}

// CloudStack holds how to reach the CloudStack API and how to use it.
type CloudStack struct {
	Endpoint          string `json:"endpoint"`            // required, http(s) URL, usually .../client/api
	APIKey            string `json:"api_key"`             // required
	SecretAccessKey   string `json:"secret_access_key"`   // required
	DefaultZone       string `json:"default_zone"`        // required, zone name or id
	SkipSSLValidation bool   `json:"skip_ssl_validation"` // true = do NOT verify TLS; older key "skip_verify_ssl" means the same
	CACert            string `json:"ca_cert"`             // PEM, at least one certificate when set
	DefaultKeyName    string `json:"default_key_name"`
	ExpungeVM         bool   `json:"expunge_vm"`          // default true
	HTTPTimeout       int    `json:"http_timeout"`        // seconds per API HTTP call, default 60
	UserDataMaxBytes  int    `json:"user_data_max_bytes"` // base64 size limit, default 32768, at most 1048576
	EphemeralDiskMode string `json:"ephemeral_disk_mode"` // "deploy" (default), "volume" or "none"

	Timeout      Timeouts     `json:"timeout"`
	Polling      Polling      `json:"polling"`
	DefaultOffer DefaultOffer `json:"default_offer"`
	Stemcell     Stemcell     `json:"stemcell"`

	EnableAutoAntiAffinity bool      `json:"enable_auto_anti_affinity"`
	AutoAntiAffinityType   string    `json:"auto_anti_affinity_type"` // default "host anti-affinity"
	Calculate              Calculate `json:"calculate"`
}

// Ephemeral disk modes (CloudStack.EphemeralDiskMode).
const (
	// EphemeralDiskDeploy has deployVirtualMachine create the ephemeral data disk.
	EphemeralDiskDeploy = "deploy"
	// EphemeralDiskVolume creates and attaches a separate volume, as the older CPI did.
	EphemeralDiskVolume = "volume"
	// EphemeralDiskNone puts the ephemeral data on the root disk.
	EphemeralDiskNone = "none"
)

// Timeouts bound waits, in seconds. 0 means "use Global".
type Timeouts struct {
	Global               int `json:"global"` // default 1800
	RebootVM             int `json:"reboot_vm"`
	CreateVM             int `json:"create_vm"`
	DeleteVM             int `json:"delete_vm"`
	StopVM               int `json:"stop_vm"`
	CreateVolume         int `json:"create_volume"`
	DeleteVolume         int `json:"delete_volume"`
	ResizeVolume         int `json:"resize_volume"`
	AttachVolume         int `json:"attach_volume"`
	DetachVolume         int `json:"detach_volume"`
	PollTemplate         int `json:"poll_template"`
	SnapshotVolume       int `json:"snapshot_volume"`
	DeleteSnapshotVolume int `json:"delete_snapshot_volume"`
}

const defaultGlobalTimeout = 1800

// For returns the bound for the operation of that JSON name ("create_vm",
// "attach_volume", ...): its own value when set, else Global. An unknown
// name gets Global. A Global left at 0 (a Config not built by Default or
// Load) counts as the 1800 s default, so no wait is ever unbounded.
func (t Timeouts) For(name string) time.Duration {
	seconds := t.Global
	if seconds <= 0 {
		seconds = defaultGlobalTimeout
	}
	if own := t.named(name); own > 0 {
		seconds = own
	}
	return time.Duration(seconds) * time.Second
}

func (t Timeouts) named(name string) int {
	switch name {
	case "reboot_vm":
		return t.RebootVM
	case "create_vm":
		return t.CreateVM
	case "delete_vm":
		return t.DeleteVM
	case "stop_vm":
		return t.StopVM
	case "create_volume":
		return t.CreateVolume
	case "delete_volume":
		return t.DeleteVolume
	case "resize_volume":
		return t.ResizeVolume
	case "attach_volume":
		return t.AttachVolume
	case "detach_volume":
		return t.DetachVolume
	case "poll_template":
		return t.PollTemplate
	case "snapshot_volume":
		return t.SnapshotVolume
	case "delete_snapshot_volume":
		return t.DeleteSnapshotVolume
	}
	return 0
}

// Polling sets the backoff of every wait: from the initial interval,
// growing up to the maximum.
type Polling struct {
	InitialIntervalMS int `json:"initial_interval_ms"` // default 200
	MaxIntervalMS     int `json:"max_interval_ms"`     // default 5000
}

// DefaultOffer names the disk offerings (name or id) used when cloud
// properties name none.
type DefaultOffer struct {
	Disk          string `json:"disk"`           // persistent disks
	EphemeralDisk string `json:"ephemeral_disk"` // the ephemeral disk
	CustomDisk    string `json:"custom_disk"`    // a customized offering that takes any size
}

// Stemcell sets how stemcells become CloudStack templates.
type Stemcell struct {
	PublicVisibility bool     `json:"public_visibility"` // default false
	Featured         bool     `json:"featured"`          // default false
	RequiresHVM      bool     `json:"requires_hvm"`      // default true
	OSType           string   `json:"os_type"`           // default "Other PV (64-bit)"
	Formats          []string `json:"formats"`           // info's stemcell_formats; never nil after Load
	URL              string   `json:"url"`               // optional base URL for registerTemplate instead of upload
	UploadRetries    int      `json:"upload_retries"`    // default 3
	Zones            []string `json:"zones"`             // more zones the template is copied to; default []
}

// Calculate holds the offering tags calculate_vm_cloud_properties honours.
type Calculate struct {
	DiskTags       []string `json:"disk_tags"`
	NotDiskTags    []string `json:"not_disk_tags"`
	ComputeTags    []string `json:"compute_tags"`
	NotComputeTags []string `json:"not_compute_tags"`
}

// Agent holds what every BOSH agent is told.
type Agent struct {
	Mbus      string     `json:"mbus"` // required
	NTP       []string   `json:"ntp"`  // default []
	Blobstore *Blobstore `json:"blobstore,omitempty"`
}

// Blobstore is the agent's blobstore, passed through to its settings.
type Blobstore struct {
	Provider string         `json:"provider"`
	Options  map[string]any `json:"options"`
}

// Registry is the legacy BOSH registry, only used for stemcells of API
// version 1.
type Registry struct {
	Host     string `json:"host"`
	Port     int    `json:"port"` // default 6901; 0 also means 6901
	Username string `json:"username"`
	Password string `json:"password"`
	Endpoint string `json:"endpoint"` // http(s) URL, an alternative to host and port
}

const defaultRegistryPort = 6901

// Configured reports whether a registry is set up at all.
func (r Registry) Configured() bool {
	return strings.TrimSpace(r.Endpoint) != "" || strings.TrimSpace(r.Host) != ""
}

// URL returns Endpoint when set, else http://host:port, else "".
func (r Registry) URL() string {
	if endpoint := strings.TrimSpace(r.Endpoint); endpoint != "" {
		return endpoint
	}
	host := strings.TrimSpace(r.Host)
	if host == "" {
		return ""
	}
	port := r.Port
	if port == 0 {
		port = defaultRegistryPort
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
}

// Log levels (Config.LogLevel).
var logLevels = []string{"debug", "info", "warn", "error"}

const defaultLogLevel = "info"

// LogLevelOrDefault returns the log level in lower case, or "info" when it is
// empty or not one of debug, info, warn and error.
func (c Config) LogLevelOrDefault() string {
	level := strings.ToLower(strings.TrimSpace(c.LogLevel))
	for _, known := range logLevels {
		if level == known {
			return level
		}
	}
	return defaultLogLevel
}

// Default returns a Config with every default filled in and the required
// keys (cloudstack.endpoint, api_key, secret_access_key, default_zone and
// agent.mbus) empty.
func Default() Config {
	return Config{
		LogLevel: defaultLogLevel,
		CloudStack: CloudStack{
			ExpungeVM:         true,
			HTTPTimeout:       60,
			UserDataMaxBytes:  32768,
			EphemeralDiskMode: EphemeralDiskDeploy,
			Timeout:           Timeouts{Global: defaultGlobalTimeout},
			Polling:           Polling{InitialIntervalMS: 200, MaxIntervalMS: 5000},
			Stemcell: Stemcell{
				RequiresHVM:   true,
				OSType:        "Other PV (64-bit)",
				Formats:       []string{"cloudstack-vhdx", "cloudstack-light"},
				UploadRetries: 3,
				Zones:         []string{},
			},
			AutoAntiAffinityType: "host anti-affinity",
			Calculate: Calculate{
				DiskTags: []string{}, NotDiskTags: []string{}, ComputeTags: []string{}, NotComputeTags: []string{},
			},
		},
		Agent:    Agent{NTP: []string{}},
		Registry: Registry{Port: defaultRegistryPort},
	}
}
