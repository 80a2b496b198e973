package integration_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const (
	registryUser     = "registry-admin"
	registryPassword = "registry-password-1999"
)

// boshRegistry is a BOSH registry on 127.0.0.1 speaking the protocol of the bosh-registry that
// stemcells of API version 1 read their settings from: GET, PUT and DELETE on
// /instances/<server name>/settings with basic auth, GET answering {"status":"ok","settings":"<json>"}.
type boshRegistry struct {
	server *httptest.Server

	mu       sync.Mutex
	settings map[string]string // by instance id
	// failNext is how many of the next requests answer 500, for the fault soak.
	failNext int
	requests int
}

func startBoshRegistry() *boshRegistry {
	r := &boshRegistry{settings: map[string]string{}}
	r.server = httptest.NewServer(http.HandlerFunc(r.serve))
	DeferCleanup(r.server.Close)
	return r
}

func (r *boshRegistry) serve(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	id, ok := strings.CutPrefix(req.URL.Path, "/instances/")
	id, isSettings := strings.CutSuffix(id, "/settings")
	if !ok || !isSettings || id == "" {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"status":"not_found"}`)
		return
	}
	if user, password, _ := req.BasicAuth(); user != registryUser || password != registryPassword {
		w.Header().Set("WWW-Authenticate", `Basic realm="Bosh Registry"`)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"status":"access_denied"}`)
		return
	}
	body, _ := io.ReadAll(req.Body)

	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if r.failNext > 0 {
		r.failNext--
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"status":"error"}`)
		return
	}
	switch req.Method {
	case http.MethodGet:
		settings, found := r.settings[id]
		if !found {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"status":"not_found"}`)
			return
		}
		answer, _ := json.Marshal(map[string]string{"status": "ok", "settings": settings})
		_, _ = w.Write(answer)
	case http.MethodPut:
		if !json.Valid(body) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"status":"error"}`)
			return
		}
		r.settings[id] = string(body)
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	case http.MethodDelete:
		delete(r.settings, id)
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// configFor is the cpi.json registry section pointing at this registry.
func (r *boshRegistry) configFor() map[string]any {
	return map[string]any{"endpoint": r.server.URL, "username": registryUser, "password": registryPassword}
}

// instances lists the ids the registry holds settings for.
func (r *boshRegistry) instances() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := []string{}
	for id := range r.settings {
		ids = append(ids, id)
	}
	return ids
}

// settingsOf is the decoded settings stored for an instance; nil when there are none.
func (r *boshRegistry) settingsOf(id string) map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	raw, found := r.settings[id]
	if !found {
		return nil
	}
	var settings map[string]any
	Expect(json.Unmarshal([]byte(raw), &settings)).To(Succeed())
	return settings
}

// failRequests makes the next n requests answer 500.
func (r *boshRegistry) failRequests(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failNext = n
}

// requestCount is how many authenticated requests the registry has had.
func (r *boshRegistry) requestCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}
