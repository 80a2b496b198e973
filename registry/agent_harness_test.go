package registry_test

// The harness of the agent oracle: a CloudStack virtual router's metadata
// service on 127.0.0.1, and the pieces of a VM the bosh-agent's own
// settings code needs around it.
//
// bosh-agent v2.769.0's infrastructure package (its HTTPMetadataService)
// cannot be compiled in this module: it imports the agent's platform
// package, whose agent/logstarprovider calls a bosh-utils function whose
// signature changed before the bosh-utils v0.0.642 this project pins. So
// the HTTP fetch below does what HTTPMetadataService.getUserData does (GET
// URI+UserDataPath, JSON, else base64-URL of the text without quotes, a
// non-empty agent_id required), and everything after the fetch is the
// agent's own code: settings.Settings and its methods, settings.Service's
// LoadSettings and GetSettings, and the devicepathresolver package.

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"

	boship "github.com/cloudfoundry/bosh-agent/v2/platform/net/ip"
	boshsettings "github.com/cloudfoundry/bosh-agent/v2/settings"
	fakesys "github.com/cloudfoundry/bosh-utils/system/fakes"
	. "github.com/onsi/gomega"
)

// stemcellAgentJSON is /var/vcap/bosh/agent.json of the CloudStack stemcell
// (bosh-linux-stemcell-builder, stages/bosh_cloudstack_agent_settings).
const stemcellAgentJSON = `{
  "Platform": {"Linux": {"CreatePartitionIfNoEphemeralDisk": true, "DevicePathResolutionType": "virtio"}},
  "Infrastructure": {"Settings": {
    "Sources": [{"Type": "HTTP", "URI": "http://169.254.169.254:39724",
                 "UserDataPath": "/latest/user-data", "InstanceIDPath": "/latest/meta-data/instance-id",
                 "SSHKeysPath": "/latest/meta-data/public-keys"}],
    "UseServerName": true, "UseRegistry": true}}
}`

type httpSourceOptions struct {
	Type           string
	URI            string
	UserDataPath   string
	InstanceIDPath string
	SSHKeysPath    string
}

type stemcellAgentConfig struct {
	Platform struct {
		Linux struct {
			CreatePartitionIfNoEphemeralDisk bool
			DevicePathResolutionType         string
		}
	}
	Infrastructure struct {
		Settings struct {
			Sources []httpSourceOptions
		}
	}
}

func loadStemcellAgentConfig() stemcellAgentConfig {
	var config stemcellAgentConfig
	if err := json.Unmarshal([]byte(stemcellAgentJSON), &config); err != nil {
		panic(err)
	}
	return config
}

// agentUserData has the shape of the agent's infrastructure.UserDataContentsType:
// the agent's own settings.Settings embedded, plus the keys of registry
// days, untagged as there.
type agentUserData struct {
	boshsettings.Settings

	Registry struct {
		Endpoint string
	}
	Server struct {
		Name string
	}
	DNS struct {
		Nameserver []string
	}
}

// virtualRouter serves a VM's metadata as CloudStack's VR does: the
// userdata given to deployVirtualMachine, base64-decoded, at
// /latest/user-data, the VM's id and its SSH public key.
type virtualRouter struct {
	*httptest.Server
	mu       sync.Mutex
	userData []byte
	requests []string
}

const vmPublicKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bosh@director"

func newVirtualRouter(deployUserData string) *virtualRouter {
	decoded, err := base64.StdEncoding.DecodeString(deployUserData)
	if err != nil {
		panic(fmt.Sprintf("CloudStack refuses userdata that is not base64: %v", err))
	}
	router := &virtualRouter{userData: decoded}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /latest/user-data", func(w http.ResponseWriter, _ *http.Request) { router.write(w, router.userData) })
	mux.HandleFunc("GET /latest/meta-data/instance-id", func(w http.ResponseWriter, _ *http.Request) { router.write(w, []byte(vmCID)) })
	mux.HandleFunc("GET /latest/meta-data/public-keys", func(w http.ResponseWriter, _ *http.Request) { router.write(w, []byte(vmPublicKey)) })
	router.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		router.mu.Lock()
		router.requests = append(router.requests, req.Method+" "+req.URL.Path)
		router.mu.Unlock()
		mux.ServeHTTP(w, req)
	}))
	return router
}

func (r *virtualRouter) write(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write(body)
}

func (r *virtualRouter) requestLog() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...)
}

// stemcellHTTPSource is the agent's HTTP settings source as the stemcell
// configures it, its URI pointed at the test's virtual router.
type stemcellHTTPSource struct {
	options httpSourceOptions
	client  *http.Client
}

var _ boshsettings.Source = stemcellHTTPSource{}

func newStemcellHTTPSource(routerURL string) stemcellHTTPSource {
	options := loadStemcellAgentConfig().Infrastructure.Settings.Sources[0]
	options.URI = routerURL
	return stemcellHTTPSource{options: options, client: &http.Client{}}
}

func (s stemcellHTTPSource) get(metadataPath string) ([]byte, error) {
	resp, err := s.client.Get(s.options.URI + metadataPath)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close() //nolint:errcheck
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("invalid status from url %s: %d", s.options.URI+metadataPath, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

func (s stemcellHTTPSource) userData() (agentUserData, error) {
	var userData agentUserData
	raw, err := s.get(s.options.UserDataPath)
	if err != nil {
		return userData, err
	}
	if err := json.Unmarshal(raw, &userData); err != nil {
		decoded, decodeErr := base64.RawURLEncoding.DecodeString(strings.ReplaceAll(string(raw), `"`, ""))
		if decodeErr != nil {
			return userData, fmt.Errorf("decoding url encoded user data: %w", decodeErr)
		}
		if err := json.Unmarshal(decoded, &userData); err != nil {
			return userData, fmt.Errorf("unmarshalling url decoded user data: %w", err)
		}
	}
	return userData, nil
}

func (s stemcellHTTPSource) Settings() (boshsettings.Settings, error) {
	userData, err := s.userData()
	if err != nil {
		return boshsettings.Settings{}, err
	}
	if userData.AgentID == "" {
		return boshsettings.Settings{}, errors.New("Metadata does not provide settings") //nolint:staticcheck // the agent's words
	}
	return userData.Settings, nil
}

func (s stemcellHTTPSource) PublicSSHKeyForUsername(string) (string, error) {
	key, err := s.get(s.options.SSHKeysPath)
	return string(key), err
}

// vmPlatform is what settings.Service asks the platform for. No DHCP lease
// is known in these tests, so the agent keeps a dynamic network's address
// as user-data gave it instead of replacing it by the lease's.
type vmPlatform struct{}

const agentSettingsPath = "/var/vcap/bosh/settings.json"

func (vmPlatform) GetDefaultNetwork(boship.IPProtocol) (boshsettings.Network, error) {
	return boshsettings.Network{}, errors.New("no DHCP lease in this test")
}
func (vmPlatform) SetupBoshSettingsDisk() error     { return nil }
func (vmPlatform) GetAgentSettingsPath(bool) string { return agentSettingsPath }
func (vmPlatform) GetPersistentDiskSettingsPath(bool) string {
	return "/var/vcap/bosh/persistent_disk_hints.json"
}
func (vmPlatform) GetUpdateSettingsPath(bool) string { return "/var/vcap/bosh/update_settings.json" }

// vmDevices is a VM's /dev as the agent's device path resolvers see it,
// on the agent's fake file system: block devices and by-id links.
type vmDevices struct {
	fs    *fakesys.FakeFileSystem
	paths []string
}

func newVMDevices(devices ...string) *vmDevices {
	d := &vmDevices{fs: fakesys.NewFakeFileSystem()}
	for _, device := range devices {
		d.add(device)
	}
	// The fake's Glob answers canned lists; this one globs what is there.
	d.fs.GlobStub = func(pattern string) ([]string, error) {
		var matches []string
		for _, p := range d.paths {
			if ok, _ := path.Match(pattern, p); ok {
				matches = append(matches, p)
			}
		}
		return matches, nil
	}
	return d
}

func (d *vmDevices) add(device string) {
	Expect(d.fs.WriteFileString(device, "")).To(Succeed())
	d.paths = append(d.paths, device)
}

// link adds a udev by-id symlink, relative as udev writes them.
func (d *vmDevices) link(byID, device string) {
	Expect(d.fs.Symlink("../../"+path.Base(device), byID)).To(Succeed())
	d.paths = append(d.paths, byID)
}
