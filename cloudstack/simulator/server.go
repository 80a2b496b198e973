package simulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

// Options configure a Server. The zero value is a usable simulator with random keys, the
// default seed and jobs that complete as soon as they are started.
type Options struct {
	// APIKey and SecretKey are the only accepted credentials; random when empty.
	APIKey    string
	SecretKey string
	// JobDelay is how long an async job stays pending (jobstatus 0); JobDelays overrides
	// it per command. 0 completes a job before its first response is written.
	JobDelay  time.Duration
	JobDelays map[string]time.Duration
	// Seed is the initial cloud; nil means DefaultSeed(). Ignored when StatePath exists.
	Seed *Seed
	// Clock drives jobs, throttling and latency; nil means the real clock.
	Clock Clock
	// StatePath, when it names an existing file, is loaded instead of the seed;
	// SaveState writes it.
	StatePath string
	// Faults is the initial fault configuration, merged after the seed's.
	Faults FaultConfig
	// Templates configures the template family (upload URL base, install delay).
	Templates TemplateOptions
}

// Server is the simulator: an http.Handler serving /client/api (the CloudStack API) and
// /admin/... (introspection and fault control, never reachable through the API), plus
// whatever routes families add (e.g. /upload/ for template uploads).
type Server struct {
	opts      Options
	apiKey    string
	secretKey string
	clock     Clock
	mux       *http.ServeMux
	faults    *faultState

	mu      sync.Mutex // guards everything below and every family's tables
	store   *Store
	jobs    map[string]*jobState
	jobSeq  int
	calls   []CallRecord
	callSeq int
}

// New builds a server from opts: it loads StatePath if the file exists, otherwise the seed.
func New(opts Options) (*Server, error) {
	s := &Server{opts: opts, apiKey: opts.APIKey, secretKey: opts.SecretKey, clock: opts.Clock,
		jobs: map[string]*jobState{}}
	if s.clock == nil {
		s.clock = realClock{}
	}
	if s.apiKey == "" {
		s.apiKey = randomKey()
	}
	if s.secretKey == "" {
		s.secretKey = randomKey()
	}
	seed := opts.Seed
	if seed == nil {
		seed = DefaultSeed()
	}
	loaded, err := s.loadState(opts.StatePath)
	if err != nil {
		return nil, err
	}
	if !loaded {
		s.store = newStore(s.clock.Now)
		for _, f := range familiesInSeedOrder() {
			if f.LoadSeed == nil {
				continue
			}
			if err := f.LoadSeed(s.store, seed); err != nil {
				return nil, fmt.Errorf("seed (%s): %w", f.Name, err)
			}
		}
	}
	faults := mergeFaults(seed.Faults, opts.Faults)
	if err := faults.Validate(); err != nil {
		return nil, fmt.Errorf("faults: %w", err)
	}
	s.faults = newFaultState(faults)

	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/client/api", s.serveAPI)
	s.mux.Handle("/admin/", s.adminHandler())
	for _, f := range families {
		if f.Routes != nil {
			f.Routes(s, s.mux)
		}
	}
	return s, nil
}

func mergeFaults(a, b FaultConfig) FaultConfig {
	out := cloneFaults(a)
	out.Rules = append(out.Rules, b.Rules...)
	for k, v := range b.Latency {
		if out.Latency == nil {
			out.Latency = map[string]Duration{}
		}
		out.Latency[k] = v
	}
	if b.Throttle != nil {
		t := *b.Throttle
		out.Throttle = &t
	}
	for k, v := range b.Capacity {
		if out.Capacity == nil {
			out.Capacity = map[string]int{}
		}
		out.Capacity[k] = v
	}
	return out
}

func randomKey() string {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("simulator: crypto/rand failed: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// ServeHTTP routes to the API, the admin endpoints and family routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// APIKey returns the accepted API key.
func (s *Server) APIKey() string { return s.apiKey }

// SecretKey returns the secret key requests must be signed with.
func (s *Server) SecretKey() string { return s.secretKey }

// Clock returns the server's clock.
func (s *Server) Clock() Clock { return s.clock }

// Do runs f with the server lock held: the way family routes (and tests) touch the store.
// Jobs that fell due are completed first.
func (s *Server) Do(f func(st *Store)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runDueJobs()
	f(s.store)
}

// Close cancels pending job timers. Pending jobs stay pending.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.stop != nil {
			j.stop()
		}
	}
	return nil
}

// SaveState writes the store and jobs as JSON to path (StatePath when path is empty).
func (s *Server) SaveState(path string) error {
	if path == "" {
		path = s.opts.StatePath
	}
	if path == "" {
		return errors.New("no state path given")
	}
	s.mu.Lock()
	tables, err := s.store.snapshot()
	state := storeState{Account: s.store.Account, Tables: tables}
	for _, j := range s.jobs {
		state.Jobs = append(state.Jobs, j)
	}
	sort.Slice(state.Jobs, func(a, b int) bool { return state.Jobs[a].seq < state.Jobs[b].seq })
	var b []byte
	if err == nil {
		b, err = json.MarshalIndent(state, "", " ")
	}
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("writing state %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing state %s: %w", path, err)
	}
	return nil
}

func (s *Server) loadState(path string) (bool, error) {
	if path == "" {
		return false, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading state %s: %w", path, err)
	}
	var state storeState
	if err := json.Unmarshal(b, &state); err != nil {
		return false, fmt.Errorf("state %s is not valid: %w", path, err)
	}
	s.store = newStore(s.clock.Now)
	s.store.Account = state.Account
	for name, raw := range state.Tables {
		s.store.raw[name] = raw
	}
	for i, j := range state.Jobs {
		j.seq = i + 1
		s.jobs[j.ID] = j
	}
	s.jobSeq = len(state.Jobs)
	s.failOrphanedJobs(s.clock.Now())
	return true, nil
}
