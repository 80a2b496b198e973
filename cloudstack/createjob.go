package cloudstack

import (
	"context"
	"fmt"
	"time"
)

// CreateError is a create-type command (deployVirtualMachine, createVolume,
// createSnapshot) whose resource CloudStack made, its id coming back with the
// job id, and whose job then failed, timed out or was given up on. The
// resource exists (a VM in Error, say) until the caller removes it. Err is the
// cause: a *JobError, a *TimeoutError or a context error, which IsCapacity,
// IsTransient and errors.As reach through Unwrap.
type CreateError struct {
	Kind string // "VM", "volume", "snapshot"
	ID   string
	Err  error
}

func (e *CreateError) Error() string {
	return fmt.Sprintf("CloudStack created %s %s but did not finish it (it must be removed): %v", e.Kind, e.ID, e.Err)
}

func (e *CreateError) Unwrap() error { return e.Err }

// runCreateJob is runJob for create-type commands: start returns the new
// resource's id and the job id from CloudStack's first answer. A failure of
// start made nothing; a failure while waiting is a *CreateError with the id.
func (c *Client) runCreateJob(ctx context.Context, command, kind string, timeout time.Duration,
	start func() (id, jobID string, err error), result any) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("CloudStack API %s not called: %w", command, err)
	}
	// Checked here, not by the poller: by then the resource would exist.
	if timeout <= 0 {
		return "", fmt.Errorf("CloudStack API %s not called: the job timeout must be positive, got %s", command, timeout)
	}
	id, jobID, err := start()
	if err != nil {
		return "", wrapError(command, err)
	}
	if id == "" {
		// CloudStack always sends it; without it nothing could clean up after a failure.
		c.opts.Logger.Warn(logTag, "CloudStack API %s answered job %s without the new %s's id", command, jobID, kind)
	} else {
		c.opts.Logger.Debug(logTag, "CloudStack API %s created %s %s; waiting for job %s", command, kind, id, jobID)
	}
	if err := c.jobs.Wait(ctx, command, jobID, timeout, result); err != nil {
		if id == "" {
			return "", err
		}
		return id, &CreateError{Kind: kind, ID: id, Err: err}
	}
	return id, nil
}
