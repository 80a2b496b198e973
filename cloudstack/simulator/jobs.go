package simulator

import (
	"encoding/json"
	"sort"
	"time"
)

// Job is what an async command's Start returns: the completion effect to run once the job's
// delay has passed, plus what the job is about.
type Job struct {
	// InstanceType and InstanceID fill jobinstancetype/jobinstanceid ("VirtualMachine", id).
	// For create-type commands InstanceID is also the "id" of the first response.
	InstanceType string
	InstanceID   string
	// VMID serialises the job behind every unfinished job naming the same VM, as
	// CloudStack's VM work queue does (queued, never rejected).
	VMID string
	// Complete applies the job's effect with the store locked and returns the job result
	// object (Object("affinitygroup", view), Success()), or an error: an *APIError keeps its
	// code, anything else becomes 530.
	Complete func(c *Call) (any, error)
}

// Job statuses as queryAsyncJobResult reports them.
const (
	JobPending   = 0
	JobSucceeded = 1
	JobFailed    = 2
)

// jobState is a job as the server tracks and persists it.
type jobState struct {
	ID           string          `json:"jobid"`
	Command      string          `json:"command"`
	Cmd          string          `json:"cmd"`
	InstanceType string          `json:"jobinstancetype,omitempty"`
	InstanceID   string          `json:"jobinstanceid,omitempty"`
	VMID         string          `json:"vmid,omitempty"`
	Created      time.Time       `json:"created"`
	Due          time.Time       `json:"due"`
	Completed    time.Time       `json:"completed,omitzero"`
	Status       int             `json:"jobstatus"`
	ResultCode   int             `json:"jobresultcode"`
	Result       json.RawMessage `json:"jobresult,omitempty"`

	seq      int
	complete func(c *Call) (any, error)
	call     *Call
	failWith *APIError
	stop     func() bool
}

// jobView is the queryAsyncJobResult / listAsyncJobs body.
type jobView struct {
	AccountID       string          `json:"accountid"`
	UserID          string          `json:"userid"`
	Cmd             string          `json:"cmd"`
	JobStatus       int             `json:"jobstatus"`
	JobProcStatus   int             `json:"jobprocstatus"`
	JobResultCode   int             `json:"jobresultcode"`
	JobResultType   string          `json:"jobresulttype,omitempty"`
	JobResult       json.RawMessage `json:"jobresult,omitempty"`
	JobInstanceType string          `json:"jobinstancetype,omitempty"`
	JobInstanceID   string          `json:"jobinstanceid,omitempty"`
	Created         string          `json:"created"`
	Completed       string          `json:"completed,omitempty"`
	JobID           string          `json:"jobid"`
}

func (s *Server) jobView(j *jobState) jobView {
	v := jobView{
		AccountID: s.store.Account.AccountID, UserID: s.store.Account.UserID, Cmd: j.Cmd,
		JobStatus: j.Status, JobResultCode: j.ResultCode,
		JobInstanceType: j.InstanceType, JobInstanceID: j.InstanceID,
		Created: FormatTime(j.Created), JobID: j.ID,
	}
	if j.Status != JobPending {
		v.JobResultType = "object"
		v.JobResult = j.Result
		v.Completed = FormatTime(j.Completed)
	}
	return v
}

// jobDelay is the per-command delay, or the default.
func (s *Server) jobDelay(cmd string) time.Duration {
	if d, ok := s.opts.JobDelays[cmd]; ok {
		return d
	}
	return s.opts.JobDelay
}

// enqueueJob schedules a job started by c. Called with the lock held.
func (s *Server) enqueueJob(cmd Command, c *Call, job *Job, failWith *APIError) *jobState {
	now := c.Now
	start := now
	if job.VMID != "" {
		for _, other := range s.jobs {
			if other.VMID == job.VMID && other.Status == JobPending && other.Due.After(start) {
				start = other.Due
			}
		}
	}
	s.jobSeq++
	j := &jobState{
		ID: newUUID(), Command: cmd.Name, Cmd: cmd.javaClass(),
		InstanceType: job.InstanceType, InstanceID: job.InstanceID, VMID: job.VMID,
		Created: now, Due: start.Add(s.jobDelay(cmd.Name)), Status: JobPending,
		seq: s.jobSeq, complete: job.Complete, call: c, failWith: failWith,
	}
	s.jobs[j.ID] = j
	if wait := j.Due.Sub(now); wait > 0 {
		j.stop = s.clock.AfterFunc(wait, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.runDueJobs()
		})
	}
	return j
}

// runDueJobs completes, in due order, every pending job whose time has come. It runs at
// the start and end of every request and from timers, so effects happen even if nobody
// polls. Called with the lock held.
func (s *Server) runDueJobs() {
	now := s.clock.Now()
	var due []*jobState
	for _, j := range s.jobs {
		if j.Status == JobPending && !j.Due.After(now) && j.complete != nil {
			due = append(due, j)
		}
	}
	sort.Slice(due, func(a, b int) bool {
		if due[a].Due.Equal(due[b].Due) {
			return due[a].seq < due[b].seq
		}
		return due[a].Due.Before(due[b].Due)
	})
	for _, j := range due {
		s.finishJob(j, now)
	}
}

func (s *Server) finishJob(j *jobState, now time.Time) {
	j.Completed = now
	var result any
	var err error
	if j.failWith != nil {
		err = j.failWith
	} else {
		j.call.Now = now
		result, err = runProtected(func() (any, error) { return j.complete(j.call) })
	}
	if err != nil {
		apiErr := asAPIError(err)
		j.Status, j.ResultCode = JobFailed, apiErr.Code
		j.Result, _ = json.Marshal(map[string]any{"errorcode": apiErr.Code, "errortext": apiErr.Text})
	} else {
		j.Status = JobSucceeded
		if b, merr := json.Marshal(result); merr != nil {
			j.Status, j.ResultCode = JobFailed, CodeInternalError
			j.Result, _ = json.Marshal(map[string]any{"errorcode": CodeInternalError, "errortext": "encoding job result: " + merr.Error()})
		} else {
			j.Result = b
		}
	}
	j.complete, j.call = nil, nil
}

// failOrphanedJobs marks jobs loaded from a state file that were still pending as failed:
// their completion effect did not survive the restart (CloudStack fails them likewise
// when a management server restarts).
func (s *Server) failOrphanedJobs(now time.Time) {
	for _, j := range s.jobs {
		if j.Status == JobPending {
			j.Status, j.ResultCode, j.Completed = JobFailed, CodeInternalError, now
			j.Result, _ = json.Marshal(map[string]any{"errorcode": CodeInternalError,
				"errortext": "Job failed due to the management server restarting"})
		}
	}
}
