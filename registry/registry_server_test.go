package registry_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// fakeRegistry behaves as the BOSH registry's api_controller did: settings
// stored per instance id, HTTP basic auth, {"status": ...} answers.
type fakeRegistry struct {
	*httptest.Server
	user, password string

	mu       sync.Mutex
	settings map[string]string
	requests []string
	// deleteMissing is the status a DELETE of missing settings gets (the
	// real registry answers 200).
	deleteMissing int
	// failWith, when set, answers every request with this status and body.
	failStatus int
	failBody   string
}

func newFakeRegistry(user, password string) *fakeRegistry {
	r := &fakeRegistry{user: user, password: password, settings: map[string]string{}, deleteMissing: http.StatusOK}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

func (r *fakeRegistry) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, req.Method+" "+req.URL.EscapedPath())
	w.Header().Set("Content-Type", "application/json")
	if r.failStatus != 0 {
		w.WriteHeader(r.failStatus)
		_, _ = io.WriteString(w, r.failBody)
		return
	}
	user, password, ok := req.BasicAuth()
	if !ok || user != r.user || password != r.password {
		w.Header().Set("WWW-Authenticate", `Basic realm="Bosh Registry"`)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"status":"access_denied"}`)
		return
	}
	id, found := strings.CutPrefix(req.URL.Path, "/instances/")
	id, hasSuffix := strings.CutSuffix(id, "/settings")
	if !found || !hasSuffix {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"status":"not_found"}`)
		return
	}
	switch req.Method {
	case http.MethodGet:
		stored, ok := r.settings[id]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"status":"not_found"}`)
			return
		}
		answer, _ := json.Marshal(map[string]string{"status": "ok", "settings": stored})
		_, _ = w.Write(answer)
	case http.MethodPut:
		body, _ := io.ReadAll(req.Body)
		r.settings[id] = string(body)
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	case http.MethodDelete:
		if _, ok := r.settings[id]; !ok {
			w.WriteHeader(r.deleteMissing)
			_, _ = io.WriteString(w, `{"status":"not_found"}`)
			return
		}
		delete(r.settings, id)
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (r *fakeRegistry) stored(id string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.settings[id]
	return s, ok
}

func (r *fakeRegistry) store(id, settings string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.settings[id] = settings
}

func (r *fakeRegistry) requestLog() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...)
}

func (r *fakeRegistry) fail(status int, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failStatus, r.failBody = status, body
}
