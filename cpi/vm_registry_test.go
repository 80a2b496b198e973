package cpi_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// vmRegistry is a BOSH registry on 127.0.0.1 that keeps what it is given.
type vmRegistry struct {
	server   *httptest.Server
	mu       sync.Mutex
	log      []string
	settings map[string]string
	// failing makes every request answer 500, as a registry that is down.
	failing bool
}

func newVMRegistry() *vmRegistry {
	r := &vmRegistry{settings: map[string]string{}}
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		user, password, _ := req.BasicAuth()
		if user != "admin" || password != "registry-pw" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.log = append(r.log, req.Method+" "+req.URL.Path)
		if r.failing {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"status":"error"}`))
			return
		}
		switch req.Method {
		case http.MethodPut:
			body, _ := io.ReadAll(req.Body)
			r.settings[req.URL.Path] = string(body)
		case http.MethodDelete:
			delete(r.settings, req.URL.Path)
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	DeferCleanup(r.server.Close)
	return r
}

func (r *vmRegistry) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.log...)
}

func (r *vmRegistry) stored(path string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.settings[path]
	return s, ok
}

var _ = Describe("VMs of stemcells of API version 1 with a registry", func() {
	var (
		cloud    *fakeCloud
		registry *vmRegistry
		cfg      map[string]any
	)

	BeforeEach(func() {
		cloud, _ = vmCloud()
		registry = newVMRegistry()
		cfg = validConfig()
		cfg["registry"] = map[string]any{"endpoint": registry.server.URL, "username": "admin", "password": "registry-pw"}
	})

	networks := map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}

	It("stores the settings in the registry under the VM name and puts the registry's address in user-data", func() {
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmRequest(2, 1, smallVM(), networks, boshEnv()))
		Expect(out.Response.Error).To(BeNil())
		_, spec, _ := cloud.vms.DeployArgsForCall(0)
		path := "/instances/" + spec.Name + "/settings"
		stored, ok := registry.stored(path)
		Expect(ok).To(BeTrue(), "registry requests: %v", registry.requests())
		var settings map[string]any
		Expect(json.Unmarshal([]byte(stored), &settings)).To(Succeed())
		Expect(settings).To(HaveKeyWithValue("agent_id", "agent-007"))
		Expect(settings).To(HaveKeyWithValue("env", boshEnvJSON()))

		raw, err := base64.StdEncoding.DecodeString(spec.UserData)
		Expect(err).NotTo(HaveOccurred())
		var bootstrap map[string]any
		Expect(json.Unmarshal(raw, &bootstrap)).To(Succeed())
		Expect(bootstrap).To(HaveKeyWithValue("server", map[string]any{"name": spec.Name}))
		Expect(bootstrap["registry"]).To(HaveKeyWithValue("endpoint", ContainSubstring(registry.server.Listener.Addr().String())))
		Expect(bootstrap).To(HaveKeyWithValue("dns", map[string]any{"nameserver": []any{"10.0.0.2"}}))
		Expect(bootstrap).NotTo(HaveKey("agent_id"))
	})

	It("puts the full settings in user-data for a stemcell of API version 2 even with a registry", func() {
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmRequest(2, 2, smallVM(), networks, nil))
		Expect(out.Response.Error).To(BeNil())
		Expect(registry.requests()).To(BeEmpty())
		Expect(userData(cloud, 0)).To(HaveKeyWithValue("agent_id", "agent-007"))
	})

	It("keeps the VM when its registry settings cannot be deleted, so that the director's retry deletes both", func() {
		// Once the VM is gone its name, the settings' key, is gone too: no retry could find the settings.
		cloud.vms.GetReturns(vmRow("Running"), true, nil)
		cloud.volumes.ListByVMStub = nil
		registry.mu.Lock()
		registry.failing = true
		registry.mu.Unlock()
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmMethodRequest(2, 1, "delete_vm", newVMID))
		Expect(out.Response.Error).NotTo(BeNil())
		Expect(out.Response.Error.Type).To(Equal("Bosh::Clouds::CloudError"))
		Expect(out.Response.Error.Message).To(ContainSubstring("registry settings of VM '" + newVMID + "'"))
		Expect(cloud.vms.DestroyCallCount()).To(BeZero())
	})

	It("deletes the registry settings with the VM", func() {
		cloud.vms.GetReturns(vmRow("Running"), true, nil)
		cloud.volumes.ListByVMStub = nil
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmMethodRequest(2, 1, "delete_vm", newVMID))
		Expect(out.Response.Error).To(BeNil())
		Expect(registry.requests()).To(Equal([]string{"DELETE /instances/vm-existing/settings"}))
	})
})
