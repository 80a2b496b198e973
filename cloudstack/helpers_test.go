package cloudstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// scriptedAPI answers each command with what the test scripted for it, in
// the shapes cloudstack-go's recorded testdata and the API reference show. It
// holds no state of its own beyond the script and a log of requests: it is not
// a simulator, only a way to feed the wrapper exact wire shapes.
type scriptedAPI struct {
	mu       sync.Mutex
	answers  map[string]func(params url.Values) (int, string)
	requests []apiRequest
}

type apiRequest struct {
	Method string
	Params url.Values
}

func newScriptedAPI() *scriptedAPI {
	return &scriptedAPI{answers: map[string]func(url.Values) (int, string){}}
}

// on scripts command; the answer's body is wrapped in {"<command>response": ...}
// unless it already starts with a top-level key of its own (raw answers).
func (a *scriptedAPI) on(command string, answer func(params url.Values) (int, string)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.answers[strings.ToLower(command)] = answer
}

// ok scripts a fixed 200 answer whose body goes under "<command>response".
func (a *scriptedAPI) ok(command, body string) {
	a.on(command, func(url.Values) (int, string) { return 200, envelope(command, body) })
}

func envelope(command, body string) string {
	return fmt.Sprintf(`{"%sresponse":%s}`, strings.ToLower(command), body)
}

func apiError(command string, code, csCode int, text string) (int, string) {
	return code, envelope(command, fmt.Sprintf(`{"uuidList":[],"errorcode":%d,"cserrorcode":%d,"errortext":%q}`, code, csCode, text))
}

func (a *scriptedAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	command := strings.ToLower(r.Form.Get("command"))
	a.mu.Lock()
	a.requests = append(a.requests, apiRequest{Method: r.Method, Params: r.Form})
	answer := a.answers[command]
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if answer == nil {
		w.WriteHeader(401)
		_, _ = fmt.Fprint(w, `{"errorresponse":{"uuidList":[],"errorcode":401,"errortext":"unable to verify user credentials and/or request signature"}}`)
		return
	}
	status, body := answer(r.Form)
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, body)
}

// calls returns the parameters of every request for command, in order.
func (a *scriptedAPI) calls(command string) []url.Values {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []url.Values
	for _, req := range a.requests {
		if strings.EqualFold(req.Params.Get("command"), command) {
			out = append(out, req.Params)
		}
	}
	return out
}

// jobDone scripts queryAsyncJobResult to report success with result at once.
func (a *scriptedAPI) jobsSucceed() {
	a.on("queryAsyncJobResult", func(p url.Values) (int, string) {
		return 200, envelope("queryAsyncJobResult", fmt.Sprintf(
			`{"jobid":%q,"jobstatus":1,"jobprocstatus":0,"jobresultcode":0,"jobresulttype":"object","jobresult":{"success":true}}`,
			p.Get("jobid")))
	})
}

// fakeClock advances only when the poller sleeps.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// recordingLogger keeps every line, formatted, with its level.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) add(level, component, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level+" ["+component+"] "+fmt.Sprintf(format, args...))
}

func (l *recordingLogger) Debug(c, f string, a ...any) { l.add("DEBUG", c, f, a...) }
func (l *recordingLogger) Info(c, f string, a ...any)  { l.add("INFO", c, f, a...) }
func (l *recordingLogger) Warn(c, f string, a ...any)  { l.add("WARN", c, f, a...) }

func (l *recordingLogger) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func (l *recordingLogger) count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}

const (
	testAPIKey    = "TEST-API-KEY-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testSecretKey = "TEST-SECRET-KEY-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// testEnv is a client wired to a scripted API on 127.0.0.1 and a fake clock.
type testEnv struct {
	api    *scriptedAPI
	server *httptest.Server
	clock  *fakeClock
	log    *recordingLogger
	client *cloudstack.Client
}

func newTestEnv() *testEnv {
	env := &testEnv{api: newScriptedAPI(), clock: newFakeClock(), log: &recordingLogger{}}
	env.server = httptest.NewServer(env.api)
	DeferCleanup(env.server.Close)
	var err error
	env.client, err = cloudstack.New(cloudstack.Options{
		Endpoint:  env.server.URL + "/client/api",
		APIKey:    testAPIKey,
		SecretKey: testSecretKey,
		Logger:    env.log,
		Clock:     env.clock,
	})
	Expect(err).NotTo(HaveOccurred())
	return env
}

func jsonSyntaxError(v any, body string) error {
	err := json.Unmarshal([]byte(body), v)
	Expect(err).To(HaveOccurred())
	return err
}
