package cloudstack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// apiTransport sits under every API request: it counts calls per command,
// logs each call at debug without secrets, and turns an error answer that is
// not CloudStack JSON (a proxy's HTML 502, say) into an HTTPStatusError,
// which cloudstack-go would otherwise report as a bare JSON syntax error.
type apiTransport struct {
	next  http.RoundTripper
	log   Logger
	clock Clock

	mu    sync.Mutex
	calls map[string]int
}

func newAPITransport(next http.RoundTripper, log Logger, clock Clock) *apiTransport {
	return &apiTransport{next: next, log: log, clock: clock, calls: map[string]int{}}
}

func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	params, err := requestParams(req)
	if err != nil {
		return nil, err
	}
	command := params.Get("command")

	for attempt := 1; ; attempt++ {
		t.count(command)
		started := time.Now()
		resp, err := t.next.RoundTrip(req)
		took := time.Since(started).Round(time.Millisecond)
		if err != nil {
			t.log.Debug(logTag, "%s %s %s failed after %s: %v", req.Method, command, describeParams(params), took, err)
			return nil, err
		}
		t.log.Debug(logTag, "%s %s %s -> %d in %s", req.Method, command, describeParams(params), resp.StatusCode, took)

		if resp.StatusCode == http.StatusOK {
			return resp, nil
		}
		if resp.StatusCode != http.StatusTooManyRequests || attempt > maxThrottleRetries {
			return checkErrorBody(command, params, resp)
		}
		// CloudStack refuses a throttled call before running it, so any command may be sent again.
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		wait := throttleWait(body, attempt)
		t.log.Warn(logTag, "%s was throttled by CloudStack (HTTP 429); sending it again in %s (attempt %d of %d)",
			command, wait, attempt+1, maxThrottleRetries+1)
		if req, err = t.again(req, wait); err != nil {
			// Out of time: CloudStack's own answer says best what happened.
			resp.Body = io.NopCloser(bytes.NewReader(body))
			return checkErrorBody(command, params, resp)
		}
	}
}

// maxThrottleRetries bounds how often one call is sent again after a 429; the request's own deadline
// (the HTTP timeout) bounds the time.
const maxThrottleRetries = 8

// throttleHint is how CloudStack says when the window ends: "please retry after [<ms>] ms".
var throttleHint = regexp.MustCompile(`retry after \[(\d+)\] ms`)

// throttleWait is how long to wait before sending a throttled call again: until CloudStack's window
// ends when it says, else a backoff; capped, so a long window costs a few bounded attempts.
func throttleWait(body []byte, attempt int) time.Duration {
	wait := time.Duration(250<<min(attempt-1, 4)) * time.Millisecond
	if m := throttleHint.FindSubmatch(body); m != nil {
		if ms, err := strconv.Atoi(string(m[1])); err == nil {
			wait = time.Duration(ms)*time.Millisecond + 25*time.Millisecond // past the window's edge
		}
	}
	return min(wait, 5*time.Second)
}

// again waits, then returns the request ready to be sent once more (its body rewound).
func (t *apiTransport) again(req *http.Request, wait time.Duration) (*http.Request, error) {
	if err := t.clock.Sleep(req.Context(), wait); err != nil {
		return nil, err
	}
	next := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		next.Body = body
	}
	return next, nil
}

func (t *apiTransport) count(command string) {
	if command == "" {
		command = "(none)"
	}
	t.mu.Lock()
	t.calls[command]++
	t.mu.Unlock()
}

func (t *apiTransport) snapshot() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.calls))
	for command, n := range t.calls {
		out[command] = n
	}
	return out
}

// requestParams reads the query string and, for a form POST, the body, which
// it puts back so the request can still be sent.
func requestParams(req *http.Request) (url.Values, error) {
	params := req.URL.Query()
	if req.Body == nil || req.Method != http.MethodPost ||
		!strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return params, nil
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	form, err := url.ParseQuery(string(body))
	if err == nil {
		for name, values := range form {
			params[name] = append(params[name], values...)
		}
	}
	return params, nil
}

// maxErrorBody bounds how much of an error answer is read to classify it.
const maxErrorBody = 1 << 20

func checkErrorBody(command string, params url.Values, resp *http.Response) (*http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if json.Valid(bytes.TrimSpace(body)) && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	}
	return nil, &HTTPStatusError{Command: command, StatusCode: resp.StatusCode, Status: resp.Status, Body: scrub(snippet(body), params)}
}

// scrub removes from an error page the secret values of the request, which a
// proxy may echo back with the URL it failed to forward.
func scrub(text string, params url.Values) string {
	for name, values := range params {
		if !isSecretParam(name) {
			continue
		}
		for _, value := range values {
			if len(value) < 4 {
				continue
			}
			text = strings.ReplaceAll(text, value, redacted)
			text = strings.ReplaceAll(text, url.QueryEscape(value), redacted)
		}
	}
	return text
}

func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// boundTransport gives each request the caller's context and the per-request
// timeout: cloudstack-go sends requests without a context of its own.
type boundTransport struct {
	ctx     context.Context
	timeout time.Duration
	next    http.RoundTripper
}

func (t *boundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases the request's timer once the body has been read.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
