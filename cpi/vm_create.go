package cpi

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

// create makes the VM and everything around it, in the order that lets each step rely on the previous:
// the template in the zone, the affinity groups, the registry settings (registry mode), the VM, its
// tags, the ephemeral disk, the static NAT and the load balancer assignments. On any failure the steps
// already done are undone (createdByCall) before the error is returned.
func (p *vmPlan) create(ctx context.Context, env *Env, cloud Cloud) (cloudstack.VM, error) {
	cs := env.Config.CloudStack
	timeout := cs.Timeout.For("create_vm")
	made := &createdByCall{env: env, cloud: cloud}
	fail := func(cause error, format string, args ...any) (cloudstack.VM, error) {
		env.Log.Warn("cpi.CreateVM", "%s failed: %s; removing what this call created", fmt.Sprintf(format, args...), cause)
		return cloudstack.VM{}, creationFailed(cause, made.undo(), format, args...)
	}
	pl := p.placement

	if !pl.templateReady {
		manager, err := stemcellManager(env)
		if err != nil {
			return cloudstack.VM{}, err
		}
		// Not undone: the template copy serves every later VM of the stemcell in that zone.
		if err := manager.EnsureInZone(ctx, pl.templateID, pl.zone.ID); err != nil {
			return fail(err, "making stemcell '%s' available in zone '%s'", p.req.stemcellCID, pl.zone.Name)
		}
	}

	affinityIDs, failed, err := p.joinAffinityGroups(ctx, env, cloud, made, timeout)
	if err != nil {
		return fail(err, "creating affinity group '%s' (%s)", failed.name, failed.key)
	}

	if settings := p.bootstrap.registrySettings; settings != nil {
		made.registry, made.registryName = registryClient(env), p.name
		if err := made.registry.Put(ctx, p.name, *settings); err != nil {
			return fail(err, "storing the agent settings of VM %s in the registry", p.name)
		}
	}

	env.Log.Info("cpi.CreateVM", "deploying VM %s from template %s with offering '%s' in zone '%s'", p.name, pl.templateID, pl.offering.Name, pl.zone.Name)
	vm, err := cloud.VMs().Deploy(ctx, p.deploySpec(affinityIDs), timeout)
	if err != nil && p.affinityGroupVanished(ctx, env, cloud, err, affinityIDs) {
		// A delete_vm of the instance group's last other VM removed the group between the look-up and the
		// deploy: find or make it again and deploy once more, as the director's own retry would.
		if affinityIDs, failed, err = p.joinAffinityGroups(ctx, env, cloud, made, timeout); err != nil {
			return fail(err, "creating affinity group '%s' (%s) again", failed.name, failed.key)
		}
		vm, err = cloud.VMs().Deploy(ctx, p.deploySpec(affinityIDs), timeout)
	}
	if err != nil {
		var createErr *cloudstack.CreateError
		var apiErr *cloudstack.APIError
		switch {
		case errors.As(err, &createErr) && createErr.ID != "":
			made.vmID = createErr.ID
		case !errors.As(err, &apiErr):
			// The answer may have been lost after CloudStack made the VM: look for it by its name.
			made.lostVMName = p.name
		}
		return fail(err, "deploying VM %s", p.name)
	}
	made.vmID = vm.ID
	if err := p.req.networks.checkMACs(vm); err != nil {
		return fail(err, "checking the NICs of VM %s", vm.ID)
	}
	if err := cloud.Tags().Create(ctx, cloudstack.ResourceTypeVM, vm.ID, vmCreationTags(env, p.req.agentID, p.req.boshEnv)); err != nil {
		return fail(err, "tagging VM %s", vm.ID)
	}

	if p.ephemeral != nil {
		if err := p.createEphemeralDisk(ctx, env, cloud, made, vm); err != nil {
			return fail(err, "giving VM %s its ephemeral disk", vm.ID)
		}
		if p.ephemeral.mode == config.EphemeralDiskVolume {
			if err := cloud.VMs().Start(ctx, vm.ID, timeout); err != nil {
				return fail(err, "starting VM %s", vm.ID)
			}
			vm.State = cloudstack.VMStateRunning
		}
	}

	if vip := p.req.networks.vip; vip != nil {
		made.natIPID = vip.publicIP.ID // recorded first: disabling NAT that never happened is harmless
		if err := cloud.PublicIPs().EnableStaticNAT(ctx, vip.publicIP.ID, vm.ID, vip.networkID); err != nil {
			return fail(err, "static-NATing public IP %s (vip network %s) to VM %s", vip.ip, vip.boshName, vm.ID)
		}
		env.Log.Info("cpi.CreateVM", "public IP %s is static-NATed to VM %s", vip.ip, vm.ID)
	}

	for _, lb := range p.lbs {
		rule := lb.rule
		if lb.create != nil {
			var created bool
			if rule, created, err = cloud.LoadBalancers().Create(ctx, *lb.create, timeout); err != nil {
				return fail(err, "creating load balancer rule '%s' (cloud_properties.lbs[%d])", lb.prop.Name, lb.index)
			}
			if created {
				// Kept even if this call fails: other VMs of the instance group may have joined it.
				env.Log.Info("cpi.CreateVM", "created load balancer rule '%s' (%s) on %s:%d", rule.Name, rule.ID, lb.prop.PublicIP, lb.prop.PublicPort)
			}
		}
		made.lbRuleIDs = append(made.lbRuleIDs, rule.ID)
		if err := cloud.LoadBalancers().Assign(ctx, rule.ID, []string{vm.ID}, timeout); err != nil {
			return fail(err, "assigning VM %s to load balancer rule '%s'", vm.ID, lb.prop.Name)
		}
		env.Log.Info("cpi.CreateVM", "VM %s joined load balancer rule '%s' (%s)", vm.ID, rule.Name, rule.ID)
	}
	return vm, nil
}

// createEphemeralDisk tags the data disk the deploy made, or (volume mode) creates the ephemeral volume
// attached to the stopped VM, so delete_vm can tell it from persistent disks.
func (p *vmPlan) createEphemeralDisk(ctx context.Context, env *Env, cloud Cloud, made *createdByCall, vm cloudstack.VM) error {
	cs := env.Config.CloudStack
	var volume cloudstack.Volume
	switch p.ephemeral.mode {
	case config.EphemeralDiskDeploy:
		disks, err := cloud.Volumes().ListByVM(ctx, vm.ID, cloudstack.VolumeTypeDataDisk)
		if err != nil {
			return err
		}
		if len(disks) != 1 {
			return fmt.Errorf("the deploy should have made one data disk (the ephemeral disk), CloudStack shows %d", len(disks))
		}
		volume = disks[0]
	case config.EphemeralDiskVolume:
		v, err := cloud.Volumes().Create(ctx, cloudstack.VolumeSpec{
			Name: p.name + "-ephemeral", ZoneID: p.placement.zone.ID, DiskOfferingID: p.ephemeral.offering.ID,
			SizeGiB: p.ephemeral.sizeGiB, VMID: vm.ID,
		}, cs.Timeout.For("create_volume"))
		var createErr *cloudstack.CreateError
		switch {
		case errors.As(err, &createErr) && createErr.ID != "":
			made.volumeIDs = append(made.volumeIDs, createErr.ID)
			return err
		case err != nil:
			return err
		}
		made.volumeIDs = append(made.volumeIDs, v.ID)
		volume = v
		if v.DeviceID != ephemeralDeviceID {
			env.Log.Warn("cpi.CreateVM", "ephemeral volume %s got device id %d, not %d: the agent's disk hint may be wrong", v.ID, v.DeviceID, ephemeralDeviceID)
		}
	}
	if err := cloud.Tags().Create(ctx, cloudstack.ResourceTypeVolume, volume.ID, ephemeralVolumeTags(env)); err != nil {
		return fmt.Errorf("tagging ephemeral volume %s: %w", volume.ID, err)
	}
	env.Log.Info("cpi.CreateVM", "VM %s has ephemeral disk %s (offering '%s')", vm.ID, volume.ID, p.ephemeral.offering.Name)
	return nil
}
