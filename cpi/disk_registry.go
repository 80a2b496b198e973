package cpi

import (
	"context"
	"errors"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// Registry mode (stemcell API v1): an old agent learns where its persistent disks are from the
// settings the registry holds for it, not from attach_disk's result. attach_disk records the disk's
// hint there and detach_disk removes it.

// diskRegistry is the registry this call must keep disk hints in, if any. It is used when one is
// configured and the call is not the all-v2 combination (CPI API >= 2 and stemcell API >= 2) that
// skips the registry. A stemcell API version the caller did not send counts as 1, as the director's
// contract says. A VM whose settings are not in the registry was not created in registry mode and is
// left alone (see updateDiskHints), so the wide rule costs nothing for current stemcells.
func diskRegistry(env *Env) (registry.Client, bool) {
	cfg := env.Config.Registry
	if !cfg.Configured() {
		return registry.Client{}, false
	}
	stemcellAPI := env.Call.StemcellAPIVersion
	if stemcellAPI == 0 {
		stemcellAPI = 1
	}
	if env.Call.APIVersion >= 2 && stemcellAPI >= 2 {
		return registry.Client{}, false
	}
	return registry.Client{Endpoint: cfg.URL(), Username: cfg.Username, Password: cfg.Password}, true
}

// registryKeyOf is the id a VM's settings are stored under in the registry: the server name its agent
// asks for, which is the VM's CloudStack host name (create_vm writes it into user-data before the VM,
// and so its UUID, exists).
func registryKeyOf(vm cloudstack.VM) string { return vm.Name }

// recordDiskHint adds disks.persistent[diskCID] to the VM's registry settings.
func recordDiskHint(ctx context.Context, env *Env, vm cloudstack.VM, diskCID string, hint registry.DiskHint) error {
	return updateDiskHints(ctx, env, vm, func(persistent map[string]registry.DiskHint) bool {
		if current, ok := persistent[diskCID]; ok && current == hint {
			return false
		}
		persistent[diskCID] = hint
		return true
	})
}

// forgetDiskHint removes disks.persistent[diskCID] from the VM's registry settings.
func forgetDiskHint(ctx context.Context, env *Env, vm cloudstack.VM, diskCID string) error {
	return updateDiskHints(ctx, env, vm, func(persistent map[string]registry.DiskHint) bool {
		if _, ok := persistent[diskCID]; !ok {
			return false
		}
		delete(persistent, diskCID)
		return true
	})
}

// updateDiskHints reads the VM's settings, lets change edit the persistent disk hints, and writes them
// back when change reports a difference. Nothing happens outside registry mode, or when the registry
// has no settings for the VM (its agent reads user-data instead).
func updateDiskHints(ctx context.Context, env *Env, vm cloudstack.VM, change func(map[string]registry.DiskHint) bool) error {
	client, ok := diskRegistry(env)
	if !ok {
		return nil
	}
	key := registryKeyOf(vm)
	settings, err := client.Get(ctx, key)
	if errors.Is(err, registry.ErrSettingsNotFound) {
		env.Log.Warn("cpi.Registry", "the registry holds no settings for VM %s (%s); leaving its disk hints alone", vm.ID, key)
		return nil
	}
	if err != nil {
		return err
	}
	if settings.Disks.Persistent == nil {
		settings.Disks.Persistent = map[string]registry.DiskHint{}
	}
	if !change(settings.Disks.Persistent) {
		return nil
	}
	if err := client.Put(ctx, key, settings); err != nil {
		return err
	}
	env.Log.Info("cpi.Registry", "updated the persistent disk hints of VM %s (%s) in the registry", vm.ID, key)
	return nil
}
