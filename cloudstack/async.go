package cloudstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// CloudStack's jobstatus values.
const (
	jobPending   = 0
	jobSucceeded = 1
	jobFailed    = 2
)

// progressEvery is how often a long wait is reported at info level.
const progressEvery = 30 * time.Second

// jobState is the part of queryAsyncJobResult the poller reads.
type jobState struct {
	Status     int
	ResultCode int
	ResultType string
	Result     json.RawMessage
}

// jobPoller waits for async jobs with its own loop instead of cloudstack-go's
// (which sleeps 1, 2, 3 ... 15 s and cannot be bounded per operation).
type jobPoller struct {
	query    func(ctx context.Context, jobID string) (jobState, error)
	clock    Clock
	log      Logger
	initial  time.Duration
	maxDelay time.Duration
}

// Wait polls jobID until it succeeds, fails, ctx ends or timeout passes. The
// first poll comes after the initial interval, each later one 1.5 times
// further, capped at the max interval and never past the deadline. On success
// the job's result object (e.g. the "virtualmachine" inside jobresult) is
// decoded into result, unless result is nil.
func (p *jobPoller) Wait(ctx context.Context, operation, jobID string, timeout time.Duration, result any) error {
	if jobID == "" {
		return fmt.Errorf("CloudStack returned no job id for %s", operation)
	}
	if timeout <= 0 {
		return fmt.Errorf("waiting for CloudStack job %s (%s): timeout must be positive, got %s", jobID, operation, timeout)
	}
	started := p.clock.Now()
	deadline := started.Add(timeout)
	lastReport := started
	delay := p.initial

	for poll := 1; ; poll++ {
		wait := delay
		if remaining := deadline.Sub(p.clock.Now()); remaining < wait {
			wait = max(remaining, 0)
		}
		if err := p.clock.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting for CloudStack job %s (%s): %w", jobID, operation, err)
		}

		state, err := p.query(ctx, jobID)
		now := p.clock.Now()
		elapsed := now.Sub(started)
		switch {
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("waiting for CloudStack job %s (%s): %w", jobID, operation, ctx.Err())
		case err != nil && !IsTransient(err):
			return fmt.Errorf("waiting for CloudStack job %s (%s): %w", jobID, operation, err)
		case err != nil:
			p.log.Warn(logTag, "Polling job %s (%s) failed, will retry: %v", jobID, operation, err)
		case state.Status == jobSucceeded:
			p.log.Debug(logTag, "Job %s (%s) succeeded after %s (%d polls)", jobID, operation, elapsed.Round(time.Millisecond), poll)
			if err := decodeJobResult(state.Result, result); err != nil {
				return fmt.Errorf("reading the result of CloudStack job %s (%s): %w", jobID, operation, err)
			}
			return nil
		case state.Status == jobFailed:
			return jobFailure(operation, jobID, state)
		default:
			p.log.Debug(logTag, "Job %s (%s) still pending after %s (poll %d)", jobID, operation, elapsed.Round(time.Millisecond), poll)
		}

		if !now.Before(deadline) {
			return &TimeoutError{Operation: operation, JobID: jobID, Waited: elapsed}
		}
		if now.Sub(lastReport) >= progressEvery {
			p.log.Info(logTag, "Still waiting for job %s (%s): %s of %s", jobID, operation, elapsed.Round(time.Second), timeout)
			lastReport = now
		}
		delay = min(time.Duration(float64(delay)*1.5), p.maxDelay)
	}
}

func jobFailure(operation, jobID string, state jobState) *JobError {
	failure := &JobError{Operation: operation, JobID: jobID, Code: state.ResultCode}
	var body struct {
		ErrorCode int    `json:"errorcode"`
		ErrorText string `json:"errortext"`
	}
	if state.ResultType != "text" && json.Unmarshal(state.Result, &body) == nil && body.ErrorText != "" {
		failure.Text = body.ErrorText
		if body.ErrorCode != 0 {
			failure.Code = body.ErrorCode
		}
		return failure
	}
	var text string
	if json.Unmarshal(state.Result, &text) == nil && text != "" {
		failure.Text = text
	} else {
		failure.Text = string(state.Result)
	}
	if failure.Text == "" {
		failure.Text = "CloudStack gave no reason"
	}
	return failure
}

// decodeJobResult unwraps the single object inside jobresult, as in
// {"virtualmachine":{...}} or {"template":{...}}, and decodes it into out.
// Success-only results ({"success":true}) are decoded as they are.
func decodeJobResult(raw json.RawMessage, out any) error {
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) == nil && len(fields) == 1 {
		for _, inner := range fields {
			if trimmed := bytes.TrimSpace(inner); len(trimmed) > 0 && trimmed[0] == '{' {
				return json.Unmarshal(inner, out)
			}
		}
	}
	return json.Unmarshal(raw, out)
}

// queryJob is the poller's one CloudStack call.
func (c *Client) queryJob(ctx context.Context, jobID string) (jobState, error) {
	api := c.api(ctx)
	r, err := api.Asyncjob.QueryAsyncJobResult(api.Asyncjob.NewQueryAsyncJobResultParams(jobID))
	if err != nil {
		return jobState{}, wrapError("queryAsyncJobResult", err)
	}
	return jobState{Status: r.Jobstatus, ResultCode: r.Jobresultcode, ResultType: r.Jobresulttype, Result: r.Jobresult}, nil
}

// runJob starts an async command and waits for it. start returns the job id
// from CloudStack's first answer; result (may be nil) receives the job's result.
func (c *Client) runJob(ctx context.Context, command string, timeout time.Duration, start func() (string, error), result any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("CloudStack API %s not called: %w", command, err)
	}
	jobID, err := start()
	if err != nil {
		return wrapError(command, err)
	}
	return c.jobs.Wait(ctx, command, jobID, timeout, result)
}
