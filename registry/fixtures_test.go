package registry_test

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

const (
	agentID      = "3f3b0a8e-1c55-4c0e-9a3f-4a7c3c1b2d10"
	vmName       = "vm-5d7c2a9e-0b4f-4a51-9d8e-2c3b4a5d6e7f"
	vmCID        = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	persistentID = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	ephemeralID  = "7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
)

// directorEnv is a create_vm env as the director builds it: indented on
// purpose, with PEM blocks, a crypt hash, characters json.Marshal would
// escape by default, and a key this CPI knows nothing about.
const directorEnv = `{
  "bosh": {
    "mbus": {"cert": {"ca": "-----BEGIN CERTIFICATE-----\nMIIBCA\n-----END CERTIFICATE-----\n",
                      "certificate": "-----BEGIN CERTIFICATE-----\nMIIBCC\n-----END CERTIFICATE-----\n",
                      "private_key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEKEY\n-----END RSA PRIVATE KEY-----\n"}},
    "blobstores": [{"provider": "dav", "options": {"endpoint": "https://10.0.16.6:25250", "user": "agent",
                    "password": "dav<&>pw", "tls": {"cert": {"ca": "-----BEGIN CERTIFICATE-----\nMIIDAV\n-----END CERTIFICATE-----\n"}}}}],
    "ntp": ["time1.google.com", "time2.google.com"],
    "password": "$6$4gDD3aV0rdqlrKC$2axHCxGKIObs6tAmMTqYCspcdvQXh3JJcvWOY2WGb4SrdXtnCyNaWlrf3WEqvYR2MYizEGp3kMmbpwBC6jsHt0",
    "group": "bosh-cf-router",
    "groups": ["bosh", "cf", "router", "bosh-cf", "cf-router", "bosh-cf-router"],
    "tags": {"project": "cf"},
    "swap_size": 0
  },
  "persistent_disk_fs": "xfs",
  "a_future_key": {"nested": [1, 2, 3]}
}`

// directorInput is the input of a VM a director deploys: two NICs and a vip.
func directorInput() registry.SettingsInput {
	networks, err := registry.DecodeNetworks(json.RawMessage(directorNetworks))
	if err != nil {
		panic(err)
	}
	ephemeral := registry.HintFor(1, registry.HypervisorXenServer, ephemeralID)
	return registry.SettingsInput{
		AgentID: agentID,
		VMName:  vmName,
		VMID:    vmCID,
		Mbus:    "nats://10.0.16.6:4222",
		NTP:     []string{"0.pool.ntp.org"},
		Blobstore: &registry.Blobstore{Provider: "dav", Options: map[string]any{
			"endpoint": "http://10.0.16.6:25250", "user": "agent", "password": "top-level-pw",
		}},
		Networks: networks,
		NICs: map[string]registry.NIC{
			"default": {MAC: "1E:00:5A:00:00:12", IP: "10.0.16.10"},
			"backend": {MAC: "1e:00:5a:00:00:13", IP: "10.1.0.5", Netmask: "255.255.255.0", Gateway: "10.1.0.1"},
		},
		Routes: map[string][]registry.Route{
			"backend": {{Destination: "192.168.0.0", Gateway: "10.1.0.1", Netmask: "255.255.0.0"}},
		},
		SystemDisk:      registry.SystemDiskPath(registry.HypervisorXenServer),
		EphemeralDisk:   &ephemeral,
		PersistentDisks: map[string]registry.DiskHint{persistentID: registry.HintFor(4, registry.HypervisorXenServer, persistentID)},
		Env:             json.RawMessage(directorEnv),
	}
}

// createEnvInput is the input of the VM bosh create-env deploys: one
// network, no MAC known, a local blobstore and an env of tags only.
func createEnvInput() registry.SettingsInput {
	networks, err := registry.DecodeNetworks(json.RawMessage(`{"default": {"type": "manual", "ip": "10.0.0.6",
		"netmask": "255.255.255.0", "gateway": "10.0.0.1", "dns": ["8.8.8.8"], "default": ["dns", "gateway"],
		"cloud_properties": {"name": "bosh-net"}}}`))
	if err != nil {
		panic(err)
	}
	return registry.SettingsInput{
		AgentID:    "bm-2f5d6a0e-4b3c-4d2e-9f1a-0b8c7d6e5f4a",
		VMName:     "vm-bosh-director",
		Mbus:       "https://mbus:MbusPassw0rd@0.0.0.0:6868",
		Blobstore:  &registry.Blobstore{Provider: "local", Options: map[string]any{"blobstore_path": "/var/vcap/micro_bosh/data/cache"}},
		Networks:   networks,
		SystemDisk: "/dev/xvda",
		Env:        json.RawMessage(`{"bosh": {"tags": {"env": "prod"}}}`),
	}
}

func encodeStd(raw []byte) string { return base64.StdEncoding.EncodeToString(raw) }
