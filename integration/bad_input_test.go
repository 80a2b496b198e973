package integration_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const (
	secretAPIKey = "integration-api-key-0451"
	secretKey    = "integration-secret-key-1984"
	mbusPassword = "integration-mbus-pw-2001"
)

func offlineConfig() map[string]any {
	return map[string]any{
		"cloudstack": map[string]any{
			"endpoint": "https://cloud.invalid/client/api", "api_key": secretAPIKey,
			"secret_access_key": secretKey, "default_zone": "zone1",
		},
		"agent":     map[string]any{"mbus": "https://mbus:" + mbusPassword + "@0.0.0.0:6868"},
		"log_level": "debug",
	}
}

var _ = Describe("the binary with bad input", func() {
	var configPath string

	BeforeEach(func() {
		configPath = writeJSONFile(GinkgoT().TempDir(), "cpi.json", offlineConfig())
	})

	expectError := func(run cpiRun, typ, message string) {
		Expect(run.Response.Error).NotTo(BeNil(), "expected an error, got %s", run.Stdout)
		Expect(run.Response.Error.Type).To(Equal(typ))
		Expect(run.Response.Error.Message).To(ContainSubstring(message))
		Expect(run.Response.Result).To(BeNil())
		for _, secret := range []string{secretAPIKey, secretKey, mbusPassword} {
			Expect(run.Stdout + run.Stderr).NotTo(ContainSubstring(secret))
		}
	}

	DescribeTable("request problems answer a CpiError, exit 0",
		func(stdin, message string) {
			expectError(runCPI(stdin, "-configFile", configPath), "Bosh::Clouds::CpiError", message)
		},
		Entry("empty stdin", "", "empty request on stdin"),
		Entry("invalid JSON", `{"method":`, "not valid JSON"),
		Entry("JSON that is not an object", `[1,2]`, "must be a JSON object, got array"),
		Entry("missing method", `{"arguments":[],"context":{}}`, `request has no "method"`),
		Entry("arguments not an array", `{"method":"delete_vm","arguments":"vm-1"}`, `"arguments" must be an array, got string`),
		Entry("wrong argument type", requestJSON("create_disk", []any{"10", map[string]any{}, nil}, map[string]any{}, 2),
			"create_disk: argument 1 (size) must be an integer, got string"),
		Entry("wrong argument count", requestJSON("detach_disk", []any{"vm-1"}, map[string]any{}, 2),
			"detach_disk: expected 2 arguments (vm_cid, disk_cid), got 1"),
	)

	It("answers NotImplemented for an unknown method", func() {
		expectError(runCPI(requestJSON("configure_networks", nil, map[string]any{}, 2), "-configFile", configPath),
			"Bosh::Clouds::NotImplemented", "unknown CPI method 'configure_networks'")
	})

	Describe("config file problems answer a CpiError naming the file", func() {
		info := requestJSON("info", nil, map[string]any{}, 1)

		It("missing", func() {
			path := filepath.Join(GinkgoT().TempDir(), "absent.json")
			expectError(runCPI(info, "-configFile", path), "Bosh::Clouds::CpiError", path)
		})

		It("unreadable", func() {
			dir := GinkgoT().TempDir() // a directory cannot be read as a file, whoever runs the test
			expectError(runCPI(info, "-configFile", dir), "Bosh::Clouds::CpiError", dir)
		})

		It("not JSON", func() {
			path := filepath.Join(GinkgoT().TempDir(), "cpi.json")
			Expect(os.WriteFile(path, []byte("cloudstack:\n  endpoint: x\n"), 0o600)).To(Succeed())
			run := runCPI(info, "-configFile", path)
			expectError(run, "Bosh::Clouds::CpiError", path)
			Expect(run.Response.Error.Message).To(ContainSubstring("not valid JSON"))
		})

		It("missing a required key", func() {
			cfg := offlineConfig()
			delete(cfg["agent"].(map[string]any), "mbus")
			path := writeJSONFile(GinkgoT().TempDir(), "cpi.json", cfg)
			expectError(runCPI(info, "-configFile", path), "Bosh::Clouds::CpiError", "agent.mbus")
		})

		It("not given at all", func() {
			expectError(runCPI(info), "Bosh::Clouds::CpiError", "-configFile")
		})
	})

	It("handles a request of several megabytes", func() {
		env := map[string]any{"bosh": map[string]any{"blob": strings.Repeat("a", 6<<20)}}
		run := runCPI(requestJSON("create_vm", []any{"agent", "tpl", map[string]any{}, map[string]any{}, []any{}, env},
			map[string]any{"request_id": "cpi-777777"}, 2), "-configFile", configPath)
		Expect(run.Response.Error).NotTo(BeNil())
		Expect(run.Response.Error.Type).NotTo(Equal("Bosh::Clouds::CpiError"))
	})

	It("prints its version with -version", func() {
		out, err := exec.Command(cpiBinary, "-version").Output()
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.TrimSpace(string(out))).NotTo(BeEmpty())
	})

	It("answers info with API version 3", func() {
		run := runCPI(requestJSON("info", nil, map[string]any{"director_uuid": "d"}, 0), "-configFile", configPath)
		Expect(run.Response.Error).To(BeNil())
		Expect(run.Response.Result).To(HaveKeyWithValue("api_version", BeEquivalentTo(3)))
		Expect(run.Response.Result).To(HaveKeyWithValue("stemcell_formats", ContainElement("cloudstack-vhdx")))
	})
})
