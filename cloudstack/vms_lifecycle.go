package cloudstack

import (
	"context"
	"fmt"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// The VM operations after deploy. All but SetDisplayName are async commands
// whose state rules CloudStack checks inside the job.

func (s *vmService) Destroy(ctx context.Context, id string, expunge bool, timeout time.Duration, deleteVolumeIDs ...string) error {
	if !IsID(id) {
		return fmt.Errorf("VM id %q is not a CloudStack uuid", id)
	}
	api := s.c.api(ctx)
	err := s.c.runJob(ctx, "destroyVirtualMachine", timeout, func() (string, error) {
		p := api.VirtualMachine.NewDestroyVirtualMachineParams(id)
		if expunge {
			p.SetExpunge(true)
		}
		if len(deleteVolumeIDs) > 0 {
			p.SetVolumeids(deleteVolumeIDs)
		}
		r, err := api.VirtualMachine.DestroyVirtualMachine(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
	return s.goneIsDone("destroyed", id, err)
}

func (s *vmService) Expunge(ctx context.Context, id string, timeout time.Duration) error {
	if !IsID(id) {
		return fmt.Errorf("VM id %q is not a CloudStack uuid", id)
	}
	api := s.c.api(ctx)
	err := s.c.runJob(ctx, "expungeVirtualMachine", timeout, func() (string, error) {
		r, err := api.VirtualMachine.ExpungeVirtualMachine(api.VirtualMachine.NewExpungeVirtualMachineParams(id))
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
	return s.goneIsDone("expunged", id, err)
}

// goneIsDone makes removals idempotent: CloudStack answers an unknown id with
// a 431 and an expunged one with a failed job ("unable to find a virtual
// machine"), both of which IsNotFound recognises.
func (s *vmService) goneIsDone(what, id string, err error) error {
	if IsNotFound(err) {
		s.c.opts.Logger.Debug(logTag, "VM %s is already gone, so counts as %s: %v", id, what, err)
		return nil
	}
	return err
}

func (s *vmService) Reboot(ctx context.Context, id string, timeout time.Duration) error {
	return s.vmJob(ctx, "rebootVirtualMachine", id, timeout, func(api *csapi.CloudStackClient) (string, error) {
		r, err := api.VirtualMachine.RebootVirtualMachine(api.VirtualMachine.NewRebootVirtualMachineParams(id))
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	})
}

func (s *vmService) Start(ctx context.Context, id string, timeout time.Duration) error {
	return s.vmJob(ctx, "startVirtualMachine", id, timeout, func(api *csapi.CloudStackClient) (string, error) {
		r, err := api.VirtualMachine.StartVirtualMachine(api.VirtualMachine.NewStartVirtualMachineParams(id))
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	})
}

func (s *vmService) Stop(ctx context.Context, id string, forced bool, timeout time.Duration) error {
	return s.vmJob(ctx, "stopVirtualMachine", id, timeout, func(api *csapi.CloudStackClient) (string, error) {
		p := api.VirtualMachine.NewStopVirtualMachineParams(id)
		if forced {
			p.SetForced(true)
		}
		r, err := api.VirtualMachine.StopVirtualMachine(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	})
}

func (s *vmService) vmJob(ctx context.Context, command, id string, timeout time.Duration, start func(*csapi.CloudStackClient) (string, error)) error {
	if !IsID(id) {
		return fmt.Errorf("VM id %q is not a CloudStack uuid", id)
	}
	api := s.c.api(ctx)
	return s.c.runJob(ctx, command, timeout, func() (string, error) { return start(api) }, nil)
}

func (s *vmService) SetDisplayName(ctx context.Context, id, displayName string) error {
	if !IsID(id) {
		return fmt.Errorf("VM id %q is not a CloudStack uuid", id)
	}
	if displayName == "" {
		// CloudStack ignores an empty one: the call would succeed and change nothing.
		return fmt.Errorf("renaming VM %s: the display name is empty", id)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("CloudStack API updateVirtualMachine not called: %w", err)
	}
	api := s.c.api(ctx)
	p := api.VirtualMachine.NewUpdateVirtualMachineParams(id)
	p.SetDisplayname(displayName)
	// The answer is not read: cloudstack-go v2.19.0 decodes it one level too
	// shallow ({"virtualmachine": {...}}), so its fields would be empty.
	_, err := api.VirtualMachine.UpdateVirtualMachine(p)
	return wrapError("updateVirtualMachine", err)
}
