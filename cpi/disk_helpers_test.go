package cpi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// Ids of the disk specs' fake cloud.
const (
	diskVMID         = "cccccccc-0000-4000-8000-000000000001"
	otherVMID        = "cccccccc-0000-4000-8000-000000000002"
	diskVolumeID     = "dddddddd-0000-4000-8000-000000000001"
	diskSnapshotID   = "eeeeeeee-0000-4000-8000-000000000001"
	customOfferingID = "ffffffff-0000-4000-8000-000000000001"
	smallOfferingID  = "ffffffff-0000-4000-8000-000000000002"
	largeOfferingID  = "ffffffff-0000-4000-8000-000000000003"
	localOfferingID  = "ffffffff-0000-4000-8000-000000000004"
	gib              = int64(1) << 30
)

var (
	customOffering = cloudstack.DiskOffering{ID: customOfferingID, Name: "custom", IsCustomized: true, StorageType: "shared"}
	smallOffering  = cloudstack.DiskOffering{ID: smallOfferingID, Name: "small", DiskSizeGiB: 10, StorageType: "shared"}
	largeOffering  = cloudstack.DiskOffering{ID: largeOfferingID, Name: "large", DiskSizeGiB: 50, StorageType: "shared"}
	localOffering  = cloudstack.DiskOffering{ID: localOfferingID, Name: "local", IsCustomized: true, StorageType: "local"}
)

// withDiskOfferings makes the fake cloud know the four offerings above, by name and by id.
func withDiskOfferings(cloud *fakeCloud) {
	cloud.offerings.FindDiskStub = func(_ context.Context, nameOrID, _ string) (cloudstack.DiskOffering, bool, error) {
		for _, o := range []cloudstack.DiskOffering{customOffering, smallOffering, largeOffering, localOffering} {
			if o.ID == nameOrID || o.Name == nameOrID {
				return o, true, nil
			}
		}
		return cloudstack.DiskOffering{}, false, nil
	}
}

// diskConfig is validConfig with default offers and whatever edit adds to the cloudstack section.
func diskConfig(dir string, edit func(cs, root map[string]any)) string {
	cfg := validConfig()
	cs := cfg["cloudstack"].(map[string]any)
	if edit != nil {
		edit(cs, cfg)
	}
	return writeConfig(dir, cfg)
}

// diskRequest is a request of a CPI API version whose context names the VM's stemcell API version
// (0: not sent), as the director sends for VM-related methods.
func diskRequest(apiVersion, stemcellAPI int, method string, args ...any) string {
	if args == nil {
		args = []any{}
	}
	context := map[string]any{"director_uuid": "dir-uuid", "request_id": "cpi-123456"}
	if stemcellAPI > 0 {
		context["vm"] = map[string]any{"stemcell": map[string]any{"api_version": stemcellAPI}}
	}
	data, err := json.Marshal(map[string]any{"method": method, "arguments": args, "context": context, "api_version": apiVersion})
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

func expectDiskError(out served, typ, message string) {
	Expect(out.Response.Error).NotTo(BeNil(), "expected an error, got %s", out.Stdout)
	Expect(out.Response.Error.Type).To(Equal(typ), out.Response.Error.Message)
	Expect(out.Response.Error.Message).To(ContainSubstring(message))
	Expect(out.Response.Result).To(BeNil())
}

func expectNoError(out served) {
	Expect(out.Response.Error).To(BeNil(), "unexpected error: %s", out.Stdout)
}

// fakeRegistry is a BOSH registry on 127.0.0.1: settings per instance, basic auth required.
type fakeRegistry struct {
	server   *httptest.Server
	mu       sync.Mutex
	settings map[string]string // instance id -> settings JSON
	puts     int
	failPut  bool
}

const (
	registryUser     = "registry-admin"
	registryPassword = "registry-pw-1234"
)

func newFakeRegistry() *fakeRegistry {
	r := &fakeRegistry{settings: map[string]string{}}
	r.server = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

func (r *fakeRegistry) serve(w http.ResponseWriter, req *http.Request) {
	user, password, ok := req.BasicAuth()
	if !ok || user != registryUser || password != registryPassword {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"status":"access_denied"}`)
		return
	}
	id := strings.TrimSuffix(strings.TrimPrefix(req.URL.Path, "/instances/"), "/settings")
	r.mu.Lock()
	defer r.mu.Unlock()
	switch req.Method {
	case http.MethodGet:
		settings, found := r.settings[id]
		if !found {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"status":"not_found"}`)
			return
		}
		body, _ := json.Marshal(map[string]string{"status": "ok", "settings": settings})
		_, _ = w.Write(body)
	case http.MethodPut:
		if r.failPut {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"status":"error"}`)
			return
		}
		body, _ := io.ReadAll(req.Body)
		r.settings[id] = string(body)
		r.puts++
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (r *fakeRegistry) store(id, settings string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.settings[id] = settings
}

// persistent returns disks.persistent of the instance's stored settings.
func (r *fakeRegistry) persistent(id string) map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var settings struct {
		Disks struct {
			Persistent map[string]any `json:"persistent"`
		} `json:"disks"`
	}
	Expect(json.Unmarshal([]byte(r.settings[id]), &settings)).To(Succeed())
	return settings.Disks.Persistent
}

func (r *fakeRegistry) putCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.puts
}

func (r *fakeRegistry) config(root map[string]any) {
	root["registry"] = map[string]any{"endpoint": r.server.URL, "username": registryUser, "password": registryPassword}
}
