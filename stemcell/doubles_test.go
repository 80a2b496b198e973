package stemcell_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// logRecorder keeps every line logged, "LEVEL component: message" (the uploader logs from the HTTP
// transport's goroutine, hence the lock).
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecorder) Debug(component, msg string, args ...any) { l.add("DEBUG", component, msg, args) }
func (l *logRecorder) Info(component, msg string, args ...any)  { l.add("INFO", component, msg, args) }
func (l *logRecorder) Warn(component, msg string, args ...any)  { l.add("WARN", component, msg, args) }

func (l *logRecorder) add(level, component, msg string, args []any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level+" "+component+": "+fmt.Sprintf(msg, args...))
}

func (l *logRecorder) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func (l *logRecorder) Text() string { return strings.Join(l.Lines(), "\n") }

// fakeClock is cloudstack.Clock whose Sleep moves time on at once and remembers how long it was asked
// to wait, so a ten-minute wait runs in microseconds.
type fakeClock struct {
	now   time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

// headerNameRecorder sees the request as the client sends it: net/http canonicalises header names on
// the server side, so only the client side can show whether "X-signature" kept its case.
type headerNameRecorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	names []string
}

func (h *headerNameRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	h.mu.Lock()
	for name := range req.Header {
		h.names = append(h.names, name)
	}
	h.mu.Unlock()
	return h.next.RoundTrip(req)
}

func (h *headerNameRecorder) Names() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.names...)
}
