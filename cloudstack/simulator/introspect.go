package simulator

import (
	"encoding/json"
	"sort"
)

// Calls returns a copy of the call log (oldest first).
func (s *Server) Calls() []CallRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CallRecord, len(s.calls))
	copy(out, s.calls)
	return out
}

// CallCount counts logged calls of one command (all commands when cmd is "").
func (s *Server) CallCount(cmd string) int {
	n := 0
	for _, c := range s.Calls() {
		if cmd == "" || c.Command == cmd {
			n++
		}
	}
	return n
}

// ResetCalls empties the call log.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Inventory returns every live (not removed) row of every table, by table name.
func (s *Server) Inventory() (map[string][]json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runDueJobs()
	return s.store.inventory()
}

// UserData returns the decoded user-data of every VM, by VM id, as the VM family reports it.
func (s *Server) UserData() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runDueJobs()
	out := map[string]string{}
	for _, f := range families {
		if f.UserData == nil {
			continue
		}
		for id, data := range f.UserData(s.store) {
			out[id] = data
		}
	}
	return out
}

// JobInfo is a job as the admin endpoints show it.
type JobInfo struct {
	Command string `json:"command"`
	VMID    string `json:"vmid,omitempty"`
	jobView
}

// Jobs lists every job, oldest first.
func (s *Server) Jobs() []JobInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runDueJobs()
	out := []JobInfo{}
	for _, j := range s.jobsInOrder() {
		out = append(out, JobInfo{Command: j.Command, VMID: j.VMID, jobView: s.jobView(j)})
	}
	return out
}

// jobsInOrder lists jobs oldest first. Called with the lock held.
func (s *Server) jobsInOrder() []*jobState {
	js := make([]*jobState, 0, len(s.jobs))
	for _, j := range s.jobs {
		js = append(js, j)
	}
	sort.Slice(js, func(a, b int) bool { return js[a].seq < js[b].seq })
	return js
}

// Faults returns the current fault configuration (capacity shows the units left).
func (s *Server) Faults() FaultConfig { return s.faults.get() }

// SetFaults replaces the fault configuration. Call counters keep running, so an nth rule
// counts calls made before it was set.
func (s *Server) SetFaults(cfg FaultConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	s.faults.set(cfg)
	return nil
}

// AddFault appends one rule.
func (s *Server) AddFault(r FaultRule) error {
	if err := (FaultConfig{Rules: []FaultRule{r}}).Validate(); err != nil {
		return err
	}
	s.faults.addRule(r)
	return nil
}
