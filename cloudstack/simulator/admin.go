package simulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// adminHandler serves the JSON introspection and fault-control endpoints under /admin/.
// They need no signature: the simulator is a local test tool (listen on 127.0.0.1).
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/calls", func(w http.ResponseWriter, r *http.Request) {
		calls := s.Calls()
		if cmd := r.URL.Query().Get("command"); cmd != "" {
			filtered := []CallRecord{}
			for _, c := range calls {
				if c.Command == cmd {
					filtered = append(filtered, c)
				}
			}
			calls = filtered
		}
		if calls == nil {
			calls = []CallRecord{}
		}
		writeAdminJSON(w, http.StatusOK, calls)
	})
	mux.HandleFunc("DELETE /admin/calls", func(w http.ResponseWriter, r *http.Request) {
		s.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /admin/inventory", func(w http.ResponseWriter, r *http.Request) {
		inv, err := s.Inventory()
		if err != nil {
			writeAdminError(w, http.StatusInternalServerError, err)
			return
		}
		writeAdminJSON(w, http.StatusOK, inv)
	})
	mux.HandleFunc("GET /admin/userdata", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, s.UserData())
	})
	mux.HandleFunc("GET /admin/userdata/{vmid}", func(w http.ResponseWriter, r *http.Request) {
		data, ok := s.UserData()[r.PathValue("vmid")]
		if !ok {
			writeAdminError(w, http.StatusNotFound, fmt.Errorf("no user-data for VM %s", r.PathValue("vmid")))
			return
		}
		writeAdminJSON(w, http.StatusOK, map[string]string{"vmid": r.PathValue("vmid"), "userdata": data})
	})
	mux.HandleFunc("GET /admin/jobs", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, s.Jobs())
	})
	mux.HandleFunc("GET /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("PUT /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		var cfg FaultConfig
		if err := decodeAdminBody(r, &cfg); err != nil {
			writeAdminError(w, http.StatusBadRequest, err)
			return
		}
		if err := s.SetFaults(cfg); err != nil {
			writeAdminError(w, http.StatusBadRequest, err)
			return
		}
		writeAdminJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("DELETE /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		_ = s.SetFaults(FaultConfig{})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /admin/faults/rules", func(w http.ResponseWriter, r *http.Request) {
		var rule FaultRule
		if err := decodeAdminBody(r, &rule); err != nil {
			writeAdminError(w, http.StatusBadRequest, err)
			return
		}
		if err := s.AddFault(rule); err != nil {
			writeAdminError(w, http.StatusBadRequest, err)
			return
		}
		writeAdminJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusNotFound, fmt.Errorf("no admin endpoint %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func decodeAdminBody(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading body: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(fmt.Sprintf(`{"error":%q}`, err.Error()))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeAdminError(w http.ResponseWriter, status int, err error) {
	writeAdminJSON(w, status, map[string]string{"error": err.Error()})
}
