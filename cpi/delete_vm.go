package cpi

import (
	"context"
	"errors"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// deleteVM removes the VM and what create_vm made for it, and never a persistent disk.
//
//	delete_vm(vm_cid) -> null
//
// In order: persistent disks are detached (the VM stopped first if it runs, so no disk is pulled from a
// live guest); the VM's static NAT and load balancer assignments are removed; the registry settings
// (registry mode) are deleted; the VM is destroyed, expunged when cloudstack.expunge_vm says so (and
// CloudStack allows it), and its ephemeral disk deleted in the same job; then an automatic anti-affinity
// group left empty is deleted. Every step before the destroy that fails stops the call
// with the VM still there, so the director's retry starts over; a VM already gone is success.
func deleteVM(ctx context.Context, env *Env, args Args) (any, error) {
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	cid := args.String(0)
	vm, found, err := findVM(ctx, cloud, cid)
	if err != nil {
		return nil, NewCloudError(err, "delete_vm")
	}
	if !found {
		env.Log.Info("cpi.DeleteVM", "VM '%s' is already gone", cid)
		if !cloudstack.IsID(cid) {
			// An older CPI's VM: its cid was its name, the settings' key.
			if err := deleteRegistrySettings(ctx, env, cid); err != nil {
				return nil, NewCloudError(err, "delete_vm: deleting the registry settings of VM '%s'", cid)
			}
		}
		return nil, nil
	}
	d := vmDeletion{env: env, cloud: cloud, vm: vm, cid: cid}
	for _, step := range []func(context.Context) error{d.detachDisks, d.unwire, d.forgetSettings, d.destroy, d.deleteEphemeral} {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	d.deleteAutoAffinityGroups(ctx)
	env.Log.Info("cpi.DeleteVM", "VM '%s' (%s) is deleted", cid, vm.ID)
	return nil, nil
}

// vmDeletion is one delete_vm at work.
type vmDeletion struct {
	env       *Env
	cloud     Cloud
	vm        cloudstack.VM
	cid       string
	ephemeral []cloudstack.Volume // detached, deleted after the VM
	expunged  bool
}

// detachDisks detaches the persistent disks, so they survive the VM. The ephemeral ones stay attached:
// the destroy deletes them with the VM in one CloudStack job. Detached first, they would be forgotten by
// the director's retry whenever a later step failed (a retry finds disks through the VM).
func (d *vmDeletion) detachDisks(ctx context.Context) error {
	cs := d.env.Config.CloudStack
	volumes, err := d.cloud.Volumes().ListByVM(ctx, d.vm.ID, cloudstack.VolumeTypeDataDisk)
	if err != nil {
		return NewCloudError(err, "delete_vm: listing the disks of VM '%s'", d.cid)
	}
	var persistent []cloudstack.Volume
	for _, v := range volumes {
		if isEphemeralDisk(v) {
			d.ephemeral = append(d.ephemeral, v)
		} else {
			persistent = append(persistent, v)
		}
	}
	if len(persistent) == 0 {
		return nil
	}
	if d.vm.Failed() {
		// A VM in Error never ran and cannot have disks detached: destroying it always expunges it,
		// which detaches them.
		d.env.Log.Info("cpi.DeleteVM", "VM '%s' is in Error: its disks are detached by the destroy", d.cid)
		return nil
	}
	if d.vm.State != cloudstack.VMStateStopped {
		// Running, or on its way somewhere: a forced stop, so no disk is pulled from a live guest.
		if err := d.cloud.VMs().Stop(ctx, d.vm.ID, true, cs.Timeout.For("stop_vm")); err != nil {
			return NewCloudError(err, "delete_vm: stopping VM '%s' (%s) to detach its disks", d.cid, d.vm.State)
		}
	}
	for _, v := range persistent {
		if _, err := d.cloud.Volumes().Detach(ctx, v.ID, cs.Timeout.For("detach_volume")); err != nil {
			return NewCloudError(err, "delete_vm: detaching persistent disk %s from VM '%s' (the VM is not deleted)", v.ID, d.cid)
		}
		d.env.Log.Info("cpi.DeleteVM", "detached persistent disk %s (%s) from VM '%s'", v.ID, v.Name, d.cid)
	}
	return nil
}

// unwire removes the VM's static NAT and load balancer assignments, which would otherwise outlive it.
func (d *vmDeletion) unwire(ctx context.Context) error {
	timeout := d.env.Config.CloudStack.Timeout.For("delete_vm")
	ips, err := d.cloud.PublicIPs().FindStaticNATOfVM(ctx, d.vm.ID)
	if err != nil {
		return NewCloudError(err, "delete_vm: listing the static NAT of VM '%s'", d.cid)
	}
	for _, ip := range ips {
		if err := d.cloud.PublicIPs().DisableStaticNAT(ctx, ip.ID, timeout); err != nil {
			return NewCloudError(err, "delete_vm: disabling the static NAT of public IP %s to VM '%s'", ip.Address, d.cid)
		}
		d.env.Log.Info("cpi.DeleteVM", "public IP %s is no longer static-NATed to VM '%s'", ip.Address, d.cid)
	}
	rules, err := d.cloud.LoadBalancers().ListForVM(ctx, d.vm.ID)
	if err != nil {
		return NewCloudError(err, "delete_vm: listing the load balancer rules of VM '%s'", d.cid)
	}
	for _, rule := range rules {
		if err := d.cloud.LoadBalancers().Remove(ctx, rule.ID, []string{d.vm.ID}, timeout); err != nil {
			return NewCloudError(err, "delete_vm: removing VM '%s' from load balancer rule '%s'", d.cid, rule.Name)
		}
		d.env.Log.Info("cpi.DeleteVM", "VM '%s' left load balancer rule '%s' (%s)", d.cid, rule.Name, rule.ID)
	}
	return nil
}

// destroy destroys the VM, expunged if so configured, and its ephemeral disks with it. An account
// CloudStack does not let expunge gets a plain destroy (CloudStack expunges it after expunge.delay),
// logged so the operator knows why.
func (d *vmDeletion) destroy(ctx context.Context) error {
	cs := d.env.Config.CloudStack
	timeout := cs.Timeout.For("delete_vm")
	var ephemeral []string
	for _, v := range d.ephemeral {
		ephemeral = append(ephemeral, v.ID)
	}
	err := d.cloud.VMs().Destroy(ctx, d.vm.ID, cs.ExpungeVM, timeout, ephemeral...)
	d.expunged = cs.ExpungeVM && err == nil
	if cs.ExpungeVM && isExpungeRefused(err) {
		d.env.Log.Warn("cpi.DeleteVM", "CloudStack refuses to expunge VM '%s' for this account (%s): destroying it without expunge; "+
			"CloudStack expunges it after its expunge.delay (set cloudstack.expunge_vm to false to skip this attempt)", d.cid, err)
		err = d.cloud.VMs().Destroy(ctx, d.vm.ID, false, timeout, ephemeral...)
	}
	if err != nil {
		return NewCloudError(err, "delete_vm: destroying VM '%s'", d.cid)
	}
	d.env.Log.Info("cpi.DeleteVM", "destroyed VM '%s' (%s), expunged: %t", d.cid, d.vm.ID, d.expunged)
	return nil
}

// deleteEphemeral deletes what is left of the ephemeral disks: nothing, unless the cloud predates
// destroyVirtualMachine's volumeids (CloudStack 4.12) and ignored it.
func (d *vmDeletion) deleteEphemeral(ctx context.Context) error {
	cs := d.env.Config.CloudStack
	for _, v := range d.ephemeral {
		left, found, err := d.cloud.Volumes().Get(ctx, v.ID)
		if err == nil && (!found || left.Gone()) {
			continue
		}
		if err == nil && left.Attached() {
			_, err = d.cloud.Volumes().Detach(ctx, v.ID, cs.Timeout.For("detach_volume"))
		}
		if err == nil {
			err = d.cloud.Volumes().Delete(ctx, v.ID)
		}
		if err != nil {
			return NewCloudError(err, "delete_vm: VM '%s' is destroyed but its ephemeral disk %s (%s) could not be deleted: delete it by hand", d.cid, v.ID, v.Name)
		}
		d.env.Log.Info("cpi.DeleteVM", "deleted ephemeral disk %s (%s), which CloudStack kept after destroying the VM", v.ID, v.Name)
	}
	return nil
}

// deleteAutoAffinityGroups deletes the enable_auto_anti_affinity groups the VM was the last member of.
// Only an expunged VM leaves its groups; failures only cost an empty group, so they are logged. The one
// listing that tells a group's name also tells its members: no second look before the delete.
func (d *vmDeletion) deleteAutoAffinityGroups(ctx context.Context) {
	if !d.expunged {
		return
	}
	timeout := d.env.Config.CloudStack.Timeout.For("delete_vm")
	for _, id := range d.vm.AffinityGroupIDs {
		group, found, err := d.cloud.AffinityGroups().Find(ctx, id)
		if err != nil {
			d.env.Log.Warn("cpi.DeleteVM", "looking up affinity group %s: %s", id, err)
			continue
		}
		if !found || !isAutoAffinityGroup(group.Name, d.env.Call.DirectorUUID) {
			continue
		}
		if len(group.VMIDs) > 0 {
			d.env.Log.Debug("cpi.DeleteVM", "keeping affinity group '%s' (%s): %d VMs are still in it", group.Name, id, len(group.VMIDs))
			continue
		}
		if err := d.cloud.AffinityGroups().Delete(ctx, id, timeout); err != nil {
			d.env.Log.Warn("cpi.DeleteVM", "deleting empty affinity group '%s' (%s): %s", group.Name, id, err)
			continue
		}
		d.env.Log.Info("cpi.DeleteVM", "deleted affinity group '%s' (%s): VM '%s' was its last member", group.Name, id, d.cid)
	}
}

// forgetSettings deletes a registry-mode VM's settings before the VM is destroyed: they are stored under
// the VM's name, which no retry could learn once the VM is gone, so a failure here stops delete_vm while
// the director's retry can still do both.
func (d *vmDeletion) forgetSettings(ctx context.Context) error {
	if err := deleteRegistrySettings(ctx, d.env, d.vm.Name); err != nil {
		return NewCloudError(err, "delete_vm: deleting the registry settings of VM '%s' (the VM is not deleted)", d.cid)
	}
	return nil
}

// deleteRegistrySettings removes a registry-mode VM's settings; outside registry mode it does nothing.
func deleteRegistrySettings(ctx context.Context, env *Env, instanceID string) error {
	if !registryMode(env) || instanceID == "" {
		return nil
	}
	if err := registryClient(env).Delete(ctx, instanceID); err != nil {
		return err
	}
	env.Log.Info("cpi.DeleteVM", "deleted the registry settings of '%s'", instanceID)
	return nil
}

// isExpungeRefused recognises CloudStack refusing the expunge flag to an account that may not expunge
// ("Parameter expunge can be passed by Admin only", allow.user.expunge.recover.vm off).
func isExpungeRefused(err error) bool {
	if err == nil || cloudstack.IsNotFound(err) {
		return false
	}
	var apiErr *cloudstack.APIError
	var jobErr *cloudstack.JobError
	var text string
	switch {
	case errors.As(err, &apiErr):
		text = apiErr.Text
	case errors.As(err, &jobErr):
		text = jobErr.Text
	default:
		return false
	}
	return strings.Contains(strings.ToLower(text), "expunge")
}
