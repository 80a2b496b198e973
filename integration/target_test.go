package integration_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// target is the CloudStack the lifecycle specs run against: the bundled simulator, started here on a
// free loopback port, unless CPI_CLOUDSTACK_* variables name a real cloud.
type target struct {
	Endpoint        string
	APIKey          string
	SecretKey       string
	Zone            string
	Network         string
	ComputeOffering string
	DiskOffering    string
	// Sim is the in-process simulator; nil against a real cloud.
	Sim *simulator.Server
}

// realCloudVariables are what an operator sets to run the same specs against their own CloudStack.
var realCloudVariables = []string{
	"CPI_CLOUDSTACK_ENDPOINT", "CPI_CLOUDSTACK_API_KEY", "CPI_CLOUDSTACK_SECRET_KEY", "CPI_CLOUDSTACK_ZONE",
	"CPI_CLOUDSTACK_NETWORK", "CPI_CLOUDSTACK_COMPUTE_OFFERING", "CPI_CLOUDSTACK_DISK_OFFERING", "CPI_CLOUDSTACK_STEMCELL",
}

func realCloudRequested() bool { return os.Getenv("CPI_CLOUDSTACK_ENDPOINT") != "" }

// startTarget gives the spec a CloudStack to work on and stops it when the spec ends.
func startTarget(opts simulator.Options) *target { return startTargetBehind(opts, nil) }

// startTargetBehind is startTarget with the simulator served through front, when not nil (the fault
// soak holds single calls back there).
func startTargetBehind(opts simulator.Options, front func(http.Handler) http.Handler) *target {
	if realCloudRequested() {
		return &target{
			Endpoint: os.Getenv("CPI_CLOUDSTACK_ENDPOINT"), APIKey: os.Getenv("CPI_CLOUDSTACK_API_KEY"),
			SecretKey: os.Getenv("CPI_CLOUDSTACK_SECRET_KEY"), Zone: os.Getenv("CPI_CLOUDSTACK_ZONE"),
			Network: os.Getenv("CPI_CLOUDSTACK_NETWORK"), ComputeOffering: os.Getenv("CPI_CLOUDSTACK_COMPUTE_OFFERING"),
			DiskOffering: os.Getenv("CPI_CLOUDSTACK_DISK_OFFERING"),
		}
	}
	if opts.JobDelay == 0 {
		opts.JobDelay = 20 * time.Millisecond // long enough that the CPI really polls
	}
	sim, err := simulator.New(opts)
	Expect(err).NotTo(HaveOccurred())
	var handler http.Handler = sim
	if front != nil {
		handler = front(sim)
	}
	server := httptest.NewServer(handler) // 127.0.0.1, free port
	DeferCleanup(func() {
		server.Close()
		Expect(sim.Close()).To(Succeed())
	})
	return &target{
		Endpoint: server.URL + "/client/api", APIKey: sim.APIKey(), SecretKey: sim.SecretKey(),
		Zone: "zone1", Network: "zone1-isolated", ComputeOffering: "Small Instance", DiskOffering: "small", Sim: sim,
	}
}

// config is a cpi.json for the target; tweak may change it before it is written.
func (t *target) config(tweak func(cs map[string]any)) string {
	cs := map[string]any{
		"endpoint": t.Endpoint, "api_key": t.APIKey, "secret_access_key": t.SecretKey, "default_zone": t.Zone,
		"polling": map[string]any{"initial_interval_ms": 10, "max_interval_ms": 200},
	}
	if t.Sim == nil {
		cs["polling"] = map[string]any{"initial_interval_ms": 1000, "max_interval_ms": 10000}
	}
	if tweak != nil {
		tweak(cs)
	}
	cfg := map[string]any{
		"cloudstack": cs,
		"agent":      map[string]any{"mbus": "https://mbus:mbus-password@0.0.0.0:6868", "ntp": []string{"0.pool.ntp.org"}},
		"log_level":  "debug",
	}
	return writeJSONFile(GinkgoT().TempDir(), "cpi.json", cfg)
}

// inventoryIDs lists the ids of the live rows of one simulator table, e.g. "templates".
func (t *target) inventoryIDs(table string) []string {
	Expect(t.Sim).NotTo(BeNil(), "inventory is a simulator feature")
	inv, err := t.Sim.Inventory()
	Expect(err).NotTo(HaveOccurred())
	var ids []string
	for _, raw := range inv[table] {
		var row struct {
			ID string `json:"id"`
		}
		Expect(json.Unmarshal(raw, &row)).To(Succeed())
		ids = append(ids, row.ID)
	}
	return ids
}

// cpi runs one method through the binary against the target, as the director does.
func (t *target) cpi(configPath, method string, args []any, apiVersion int) cpiRun {
	context := map[string]any{"director_uuid": "integration-director", "request_id": "cpi-424242",
		"vm": map[string]any{"stemcell": map[string]any{"api_version": 3}}}
	return runCPI(requestJSON(method, args, context, apiVersion), "-configFile", configPath)
}
