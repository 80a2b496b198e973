package cpi

import (
	"context"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// rebootVM reboots a running VM and starts a stopped one (cck's "reboot VM" resolution finds either).
// It waits for CloudStack's job, bounded by the reboot_vm timeout, but not for the guest to boot: the
// director waits for the agent itself.
//
//	reboot_vm(vm_cid) -> null
func rebootVM(ctx context.Context, env *Env, args Args) (any, error) {
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	cid := args.String(0)
	vm, err := mustFindVM(ctx, cloud, cid)
	if err != nil {
		return nil, err
	}
	timeout := env.Config.CloudStack.Timeout.For("reboot_vm")

	switch vm.State {
	case cloudstack.VMStateRunning:
		env.Log.Info("cpi.RebootVM", "rebooting VM '%s' (%s), waiting up to %s", cid, vm.ID, timeout)
		err = cloud.VMs().Reboot(ctx, vm.ID, timeout)
	case cloudstack.VMStateStopped:
		env.Log.Info("cpi.RebootVM", "VM '%s' (%s) is stopped: starting it, waiting up to %s", cid, vm.ID, timeout)
		err = cloud.VMs().Start(ctx, vm.ID, timeout)
	case vmStateStarting:
		// Already booting: a reboot now would be refused (not Running) and is not needed.
		env.Log.Info("cpi.RebootVM", "VM '%s' (%s) is already starting: nothing to do", cid, vm.ID)
		return nil, nil
	case cloudstack.VMStateError:
		return nil, NewCloudError(nil, "reboot_vm: VM '%s' (%s) is in state Error: its deploy failed and it never ran, "+
			"so it cannot be rebooted; recreate it (delete_vm, then create_vm)", cid, vm.ID)
	default:
		return nil, NewCloudError(nil, "reboot_vm: VM '%s' (%s) is in state %s: only a Running VM can be rebooted "+
			"or a Stopped one started; try again once CloudStack has finished with it", cid, vm.ID, vm.State)
	}
	if err != nil {
		if cloudstack.IsNotFound(err) {
			// Expunged between the lookup and the job.
			return nil, NewVMNotFound(err, "reboot_vm: VM '%s' disappeared", cid)
		}
		return nil, NewCloudError(err, "reboot_vm: VM '%s' (%s)", cid, vm.ID)
	}
	return nil, nil
}

// vmStateStarting is CloudStack's state between a start request and Running.
const vmStateStarting = "Starting"
