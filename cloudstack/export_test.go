package cloudstack

import (
	"context"
	"time"
)

// Hooks for the external test package.

var WrapError = wrapError

type JobState = jobState

func NewJobPoller(query func(ctx context.Context, jobID string) (JobState, error), clock Clock, log Logger, initial, maxDelay time.Duration) Jobs {
	return &jobPoller{query: query, clock: clock, log: log, initial: initial, maxDelay: maxDelay}
}

var DescribeParams = describeParams
