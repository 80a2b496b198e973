package simulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// FaultRule fails the Nth call (1-based; 0 = every call) of Command. Kind "http" answers the
// call itself with the error envelope (HTTP status = ErrorCode); kind "job" lets an async
// command start normally and fails its job (jobstatus 2) without applying its effect. A
// "job" rule on a sync command acts as "http".
type FaultRule struct {
	Command   string `json:"command"`
	Nth       int    `json:"nth"`
	Kind      string `json:"kind"`
	ErrorCode int    `json:"errorcode"`
	Message   string `json:"message,omitempty"`
}

// Throttle rejects calls beyond Max per Interval with HTTP 429, like api.throttling.
type Throttle struct {
	Max      int      `json:"max"`
	Interval Duration `json:"interval"`
}

// FaultConfig is the whole fault-injection setting; settable at start (Options, seed,
// -fault flags) and at run time (/admin/faults, Server.SetFaults).
type FaultConfig struct {
	Rules []FaultRule `json:"rules,omitempty"`
	// Latency delays the answer of a command ("*" for every command).
	Latency map[string]Duration `json:"latency,omitempty"`
	// Throttle is nil when throttling is off.
	Throttle *Throttle `json:"throttle,omitempty"`
	// Capacity gives the units left in a pool ("vm", "volume"): a family's job that finds
	// its pool at 0 fails with 533. Pools not listed are unlimited.
	Capacity map[string]int `json:"capacity,omitempty"`
}

// Duration is a time.Duration written in JSON as a Go duration string ("300ms").
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("duration must be a string like \"300ms\": %w", err)
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// Validate checks a configuration before it is applied.
func (fc FaultConfig) Validate() error {
	for i, r := range fc.Rules {
		if r.Command == "" {
			return fmt.Errorf("fault rule %d: command is required", i)
		}
		if r.Nth < 0 {
			return fmt.Errorf("fault rule %d (%s): nth must be >= 0, got %d", i, r.Command, r.Nth)
		}
		if r.Kind != "http" && r.Kind != "job" {
			return fmt.Errorf("fault rule %d (%s): kind must be \"http\" or \"job\", got %q", i, r.Command, r.Kind)
		}
		if r.ErrorCode != 0 && (r.ErrorCode < 400 || r.ErrorCode > 599) {
			return fmt.Errorf("fault rule %d (%s): errorcode must be an HTTP error status (4xx/5xx), got %d", i, r.Command, r.ErrorCode)
		}
	}
	if fc.Throttle != nil && (fc.Throttle.Max <= 0 || fc.Throttle.Interval <= 0) {
		return fmt.Errorf("throttle: max and interval must be positive")
	}
	for pool, n := range fc.Capacity {
		if n < 0 {
			return fmt.Errorf("capacity %q: must be >= 0, got %d", pool, n)
		}
	}
	return nil
}

// ParseFaultRule reads the -fault flag form "command:nth:kind:errorcode[:message]",
// e.g. "deployVirtualMachine:2:job:533:no host".
func ParseFaultRule(s string) (FaultRule, error) {
	parts := strings.SplitN(s, ":", 5)
	if len(parts) < 4 {
		return FaultRule{}, fmt.Errorf("fault %q: want command:nth:kind:errorcode[:message]", s)
	}
	var r FaultRule
	r.Command, r.Kind = parts[0], parts[2]
	if _, err := fmt.Sscanf(parts[1], "%d", &r.Nth); err != nil {
		return FaultRule{}, fmt.Errorf("fault %q: nth %q is not a number", s, parts[1])
	}
	if _, err := fmt.Sscanf(parts[3], "%d", &r.ErrorCode); err != nil {
		return FaultRule{}, fmt.Errorf("fault %q: errorcode %q is not a number", s, parts[3])
	}
	if len(parts) == 5 {
		r.Message = parts[4]
	}
	if err := (FaultConfig{Rules: []FaultRule{r}}).Validate(); err != nil {
		return FaultRule{}, err
	}
	return r, nil
}

type faultState struct {
	mu          sync.Mutex
	cfg         FaultConfig
	calls       map[string]int
	windowStart time.Time
	windowCount int
}

func newFaultState(cfg FaultConfig) *faultState {
	fs := &faultState{calls: map[string]int{}}
	fs.set(cfg)
	return fs
}

func (fs *faultState) set(cfg FaultConfig) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.cfg = cloneFaults(cfg)
	fs.windowCount = 0
}

func (fs *faultState) get() FaultConfig {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return cloneFaults(fs.cfg)
}

func (fs *faultState) addRule(r FaultRule) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.cfg.Rules = append(fs.cfg.Rules, r)
}

func cloneFaults(c FaultConfig) FaultConfig {
	out := FaultConfig{Rules: append([]FaultRule(nil), c.Rules...)}
	if c.Latency != nil {
		out.Latency = map[string]Duration{}
		for k, v := range c.Latency {
			out.Latency[k] = v
		}
	}
	if c.Throttle != nil {
		t := *c.Throttle
		out.Throttle = &t
	}
	if c.Capacity != nil {
		out.Capacity = map[string]int{}
		for k, v := range c.Capacity {
			out.Capacity[k] = v
		}
	}
	return out
}

// throttled counts the call in the current window and returns the 429 error once the
// window's budget is spent.
func (fs *faultState) throttled(now time.Time) *APIError {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	t := fs.cfg.Throttle
	if t == nil {
		return nil
	}
	interval := time.Duration(t.Interval)
	if fs.windowStart.IsZero() || !now.Before(fs.windowStart.Add(interval)) {
		fs.windowStart, fs.windowCount = now, 0
	}
	fs.windowCount++
	if fs.windowCount <= t.Max {
		return nil
	}
	retry := fs.windowStart.Add(interval).Sub(now).Milliseconds()
	return ErrCode(CodeThrottled, fmt.Sprintf("The given user has reached his/her account api limit, please retry after [%d] ms.", retry))
}

func (fs *faultState) latency(cmd string) time.Duration {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if d, ok := fs.cfg.Latency[cmd]; ok {
		return time.Duration(d)
	}
	return time.Duration(fs.cfg.Latency["*"])
}

// countCall numbers this call of cmd and returns the rule that fails it, if any.
func (fs *faultState) countCall(cmd string) *FaultRule {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.calls[cmd]++
	n := fs.calls[cmd]
	for _, r := range fs.cfg.Rules {
		if r.Command == cmd && (r.Nth == 0 || r.Nth == n) {
			rule := r
			return &rule
		}
	}
	return nil
}

func (fs *faultState) takeCapacity(pool string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	left, limited := fs.cfg.Capacity[pool]
	if !limited {
		return true
	}
	if left <= 0 {
		return false
	}
	fs.cfg.Capacity[pool] = left - 1
	return true
}

func (r FaultRule) apiError() *APIError {
	code := r.ErrorCode
	if code == 0 {
		code = CodeInternalError
	}
	msg := r.Message
	if msg == "" {
		msg = fmt.Sprintf("Simulated failure of %s (fault injection, errorcode %d)", r.Command, code)
	}
	return ErrCode(code, msg)
}
