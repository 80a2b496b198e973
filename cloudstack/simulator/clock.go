package simulator

import (
	"sort"
	"sync"
	"time"
)

// Clock is the simulator's source of time. Jobs complete, throttling windows roll over and
// injected latency elapses on this clock, so tests can drive time by hand (ManualClock)
// instead of sleeping.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f once d has elapsed on this clock; stop cancels it.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
	// Sleep blocks the caller for d (injected latency).
	Sleep(d time.Duration)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

func (realClock) Sleep(d time.Duration) { time.Sleep(d) }

// ManualClock is a Clock that only moves when told to. Sleep advances it, so a request with
// injected latency returns at once and the latency shows as elapsed time.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	seq    int
	timers map[int]manualTimer
}

type manualTimer struct {
	at  time.Time
	seq int
	f   func()
}

// NewManualClock returns a clock stopped at start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start, timers: map[int]manualTimer{}}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc registers f to run when the clock reaches now+d.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	id := c.seq
	c.timers[id] = manualTimer{at: c.now.Add(d), seq: id, f: f}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, pending := c.timers[id]
		delete(c.timers, id)
		return pending
	}
}

// Sleep advances the clock by d, firing the timers that fall due.
func (c *ManualClock) Sleep(d time.Duration) { c.Advance(d) }

// Advance moves the clock forward by d and runs, in time order and outside the clock's lock,
// every timer that is due.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []manualTimer
	for id, t := range c.timers {
		if !t.at.After(c.now) {
			due = append(due, t)
			delete(c.timers, id)
		}
	}
	c.mu.Unlock()
	sort.Slice(due, func(i, j int) bool {
		if due[i].at.Equal(due[j].at) {
			return due[i].seq < due[j].seq
		}
		return due[i].at.Before(due[j].at)
	})
	for _, t := range due {
		t.f()
	}
}
