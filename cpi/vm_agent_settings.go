package cpi

import (
	"encoding/json"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// agentBootstrap is how the agent of the new VM gets its settings.
type agentBootstrap struct {
	userData string // base64, for the deploy call
	// registrySettings is set in registry mode: the settings go to the registry (before the deploy, so
	// they are there when the agent first asks) and userData only says where to find them.
	registrySettings *registry.AgentSettings
}

// registryMode: a stemcell of API version 1 (or one that does not say) has an agent that may only read
// its settings from a registry; when one is configured, it gets them there. Without a registry the full
// settings go into the user-data as for newer stemcells, which agents since 2016 read.
func registryMode(env *Env) bool {
	stemcellAPI := env.Call.StemcellAPIVersion
	if stemcellAPI == 0 {
		stemcellAPI = 1 // absent means 1 (bosh-contract §4.2)
	}
	return stemcellAPI < 2 && env.Config.Registry.Configured()
}

func registryClient(env *Env) *registry.Client {
	r := env.Config.Registry
	return &registry.Client{Endpoint: r.URL(), Username: r.Username, Password: r.Password}
}

// prepareAgentBootstrap builds the agent settings and the user-data carrying them. Everything in them is
// known before the deploy: the VM's name (the CPI picks it), the NICs' MACs (the CPI picks them when
// there are several), the disk hints (from the template's hypervisor). So a settings document too large
// for CloudStack's user-data is refused before anything is created.
func prepareAgentBootstrap(env *Env, req *createVMRequest, vmName string, nets *vmNetworks, hypervisor string, ephemeral *ephemeralDisk) (agentBootstrap, error) {
	networks, nics := nets.settingsInput()
	agent := env.Config.Agent
	input := registry.SettingsInput{
		AgentID:       req.agentID,
		VMName:        vmName,
		Mbus:          agent.Mbus,
		NTP:           agent.NTP,
		Networks:      networks,
		NICs:          nics,
		Routes:        nets.routes,
		SystemDisk:    registry.SystemDiskPath(hypervisor),
		EphemeralDisk: ephemeral.hint(hypervisor),
		Env:           req.env,
	}
	if agent.Blobstore != nil {
		input.Blobstore = &registry.Blobstore{Provider: agent.Blobstore.Provider, Options: agent.Blobstore.Options}
	}
	settings := registry.BuildSettings(input)
	maxBytes := env.Config.CloudStack.UserDataMaxBytes

	if registryMode(env) {
		if err := settings.Validate(); err != nil {
			return agentBootstrap{}, NewCloudError(nil, "create_vm: %s", err.Error())
		}
		r := env.Config.Registry
		userData, err := registry.EncodeRegistryUserData(registry.RegistryBootstrap{
			Endpoint: r.URL(), Username: r.Username, Password: r.Password, ServerName: vmName, Nameservers: networks.Nameservers(),
		}, maxBytes)
		if err != nil {
			return agentBootstrap{}, NewCloudError(nil, "create_vm: %s", err.Error())
		}
		env.Log.Info("cpi.CreateVM", "stemcell API version %d: agent settings go to the registry, user-data points there", env.Call.StemcellAPIVersion)
		return agentBootstrap{userData: userData, registrySettings: &settings}, nil
	}

	userData, err := registry.EncodeUserData(settings, maxBytes)
	if err != nil {
		// Too large for cloudstack.user_data_max_bytes, or settings the agent would refuse: the message says which.
		return agentBootstrap{}, NewCloudError(nil, "create_vm: %s", err.Error())
	}
	if env.Call.StemcellAPIVersion == 1 {
		env.Log.Info("cpi.CreateVM", "stemcell API version 1 and no registry configured: the full agent settings go into user-data")
	}
	return agentBootstrap{userData: userData}, nil
}

// envObject is create_vm's env as given; null and absent are the empty object.
func envObject(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || isNull(raw) {
		return json.RawMessage(`{}`)
	}
	return raw
}
