package simulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

const (
	testAPIKey    = "test-api-key"
	testSecretKey = "test-secret-key"
)

var epoch = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// sim is a simulator behind a real HTTP listener on 127.0.0.1, with a manual clock.
type sim struct {
	Server   *simulator.Server
	HTTP     *httptest.Server
	Endpoint string
	Clock    *simulator.ManualClock
	capture  *capturingTransport
}

// startSim starts a simulator; tweak may adjust the options (Clock and keys are preset).
func startSim(tweak func(*simulator.Options)) *sim {
	clock := simulator.NewManualClock(epoch)
	opts := simulator.Options{APIKey: testAPIKey, SecretKey: testSecretKey, Clock: clock}
	if tweak != nil {
		tweak(&opts)
	}
	srv, err := simulator.New(opts)
	Expect(err).NotTo(HaveOccurred())
	hs := httptest.NewServer(srv)
	DeferCleanup(func() {
		hs.Close()
		Expect(srv.Close()).To(Succeed())
	})
	return &sim{Server: srv, HTTP: hs, Endpoint: hs.URL + "/client/api", Clock: clock,
		capture: &capturingTransport{bodies: map[string][]byte{}}}
}

// client is cloudstack-go's sync client (async commands return the job id at once), the
// way the CPI uses it. Every response body is captured for the "no loss" checks.
func (s *sim) client() *cloudstack.CloudStackClient {
	return cloudstack.NewClient(s.Endpoint, testAPIKey, testSecretKey, false,
		cloudstack.WithHTTPClient(&http.Client{Transport: s.capture, Timeout: 10 * time.Second}))
}

// asyncClient is cloudstack-go's polling client. Its first poll is immediate, so with a zero
// job delay it never sleeps.
func (s *sim) asyncClient() *cloudstack.CloudStackClient {
	return cloudstack.NewAsyncClient(s.Endpoint, testAPIKey, testSecretKey, false,
		cloudstack.WithHTTPClient(&http.Client{Transport: s.capture, Timeout: 10 * time.Second}))
}

// lastBody returns the last raw body served for a command through a cloudstack-go client.
func (s *sim) lastBody(command string) map[string]any {
	s.capture.mu.Lock()
	defer s.capture.mu.Unlock()
	b, ok := s.capture.bodies[command]
	Expect(ok).To(BeTrue(), "no response captured for %s", command)
	var m map[string]any
	Expect(json.Unmarshal(b, &m)).To(Succeed())
	return m
}

type capturingTransport struct {
	mu     sync.Mutex
	bodies map[string][]byte
}

func (t *capturingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	cmd := req.URL.Query().Get("command")
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		if form, err := url.ParseQuery(string(b)); err == nil && form.Get("command") != "" {
			cmd = form.Get("command")
		}
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	t.mu.Lock()
	t.bodies[cmd] = b
	t.mu.Unlock()
	return resp, nil
}

// apiResult is a raw API answer.
type apiResult struct {
	Status int
	Body   map[string]any
	Raw    string
}

// inner returns the body under the single top-level key.
func (r apiResult) inner() map[string]any {
	Expect(r.Body).To(HaveLen(1), "envelope must have one key: %s", r.Raw)
	for _, v := range r.Body {
		m, ok := v.(map[string]any)
		Expect(ok).To(BeTrue(), "envelope body must be an object: %s", r.Raw)
		return m
	}
	return nil
}

// signedParams adds the fields cloudstack-go adds and signs like it (sorted, %20 for spaces).
func signedParams(command string, params map[string]string, expires time.Time) url.Values {
	v := url.Values{}
	for k, val := range params {
		v.Set(k, val)
	}
	v.Set("apiKey", testAPIKey)
	v.Set("command", command)
	v.Set("response", "json")
	v.Set("signatureversion", "3")
	v.Set("expires", expires.UTC().Format(time.RFC3339))
	v.Set("signature", simulator.SignParams(v, testSecretKey))
	return v
}

// encodeLikeCSGo renders sorted k=v pairs with %20 for spaces.
func encodeLikeCSGo(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+strings.ReplaceAll(url.QueryEscape(v.Get(k)), "+", "%20"))
	}
	return strings.Join(parts, "&")
}

func (s *sim) send(method string, v url.Values) apiResult {
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = http.PostForm(s.Endpoint, v)
	} else {
		resp, err = http.Get(s.Endpoint + "?" + encodeLikeCSGo(v))
	}
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	r := apiResult{Status: resp.StatusCode, Raw: string(b)}
	Expect(json.Unmarshal(b, &r.Body)).To(Succeed(), "body is not JSON: %s", b)
	return r
}

// call sends a correctly signed GET (list/query commands) or POST (everything else),
// choosing the method as cloudstack-go does.
func (s *sim) call(command string, params map[string]string) apiResult {
	method := http.MethodPost
	for _, p := range []string{"list", "get", "query", "find"} {
		if strings.HasPrefix(command, p) {
			method = http.MethodGet
		}
	}
	return s.send(method, signedParams(command, params, s.Clock.Now().Add(15*time.Minute)))
}

// ok asserts HTTP 200 and returns the inner body.
func (s *sim) ok(command string, params map[string]string) map[string]any {
	r := s.call(command, params)
	Expect(r.Status).To(Equal(http.StatusOK), "%s: %s", command, r.Raw)
	return r.inner()
}

// apiError asserts an error envelope with HTTP status == errorcode and returns it.
func (s *sim) apiError(command string, params map[string]string, code int) map[string]any {
	r := s.call(command, params)
	Expect(r.Status).To(Equal(code), "%s: %s", command, r.Raw)
	body := r.inner()
	Expect(body["errorcode"]).To(BeNumerically("==", code))
	Expect(body["uuidList"]).To(Equal([]any{}))
	return body
}

// job queries a job and returns the queryasyncjobresultresponse body.
func (s *sim) job(jobID string) map[string]any {
	r := s.call("queryAsyncJobResult", map[string]string{"jobid": jobID})
	Expect(r.Status).To(Equal(http.StatusOK), r.Raw)
	Expect(r.Body).To(HaveKey("queryasyncjobresultresponse"))
	return r.inner()
}

// runJob starts an async command and returns its finished job (job delay must be 0).
func (s *sim) runJob(command string, params map[string]string) map[string]any {
	first := s.ok(command, params)
	Expect(first).To(HaveKey("jobid"))
	return s.job(first["jobid"].(string))
}

func items(body map[string]any, key string) []map[string]any {
	raw, ok := body[key].([]any)
	if !ok {
		return nil
	}
	out := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		out = append(out, r.(map[string]any))
	}
	return out
}

// firstID returns the id of the named row of a list command.
func (s *sim) firstID(command, key, name string) string {
	for _, it := range items(s.ok(command, nil), key) {
		if it["name"] == name || it["description"] == name {
			return it["id"].(string)
		}
	}
	Fail("no " + key + " named " + name)
	return ""
}

var _ = GinkgoWriter

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// startHTTP serves srv on 127.0.0.1 with the real clock.
func startHTTP(srv *simulator.Server) string {
	hs := httptest.NewServer(srv)
	DeferCleanup(hs.Close)
	return hs.URL + "/client/api"
}

// postSigned sends a signed POST using the real clock for expires.
func postSigned(endpoint, command string, params map[string]string) apiResult {
	s := &sim{Endpoint: endpoint}
	return s.send(http.MethodPost, signedParams(command, params, time.Now().Add(15*time.Minute)))
}

func mustJSON(v any) map[string]any {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	var m map[string]any
	Expect(json.Unmarshal(b, &m)).To(Succeed())
	return m
}
