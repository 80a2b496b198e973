package integration_test

import (
	"sync"
	"time"
)

// gateClock is the simulator's real clock, except that injected latency waits for the spec: a call
// given latency announces itself on Held and stays in the simulator, before it is handled, until
// Release. That lets a spec put another CPI process's work in between two calls of one process.
type gateClock struct {
	Held    chan struct{} // one message per held call
	release chan struct{}
	once    sync.Once
}

func newGateClock() *gateClock {
	return &gateClock{Held: make(chan struct{}, 16), release: make(chan struct{})}
}

func (g *gateClock) Now() time.Time { return time.Now() }

func (g *gateClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// Sleep is only called for injected latency.
func (g *gateClock) Sleep(time.Duration) {
	select {
	case g.Held <- struct{}{}:
	default:
	}
	<-g.release
}

// Release lets every held call, and every later one, through. It may be called more than once.
func (g *gateClock) Release() { g.once.Do(func() { close(g.release) }) }
