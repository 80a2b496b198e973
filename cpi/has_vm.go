package cpi

import "context"

// hasVM answers whether the VM still exists, for the resurrector and cck. A VM that is gone answers
// false, never an error: Destroyed and Expunging count as gone (they are on their way out and BOSH must
// recreate the instance). A VM in Error counts as existing: it still holds its host name and addresses,
// and only delete_vm (which the director's cck and recreate paths call) releases them; answering false
// would let the director drop its reference and leak them.
//
//	has_vm(vm_cid) -> bool
func hasVM(ctx context.Context, env *Env, args Args) (any, error) {
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	cid := args.String(0)
	vm, found, err := findVM(ctx, cloud, cid)
	if err != nil {
		return nil, NewCloudError(err, "has_vm")
	}
	if found {
		env.Log.Debug("cpi.HasVM", "VM '%s' (%s) is %s", cid, vm.ID, vm.State)
	} else {
		env.Log.Info("cpi.HasVM", "VM '%s' does not exist (or is destroyed)", cid)
	}
	return found, nil
}
