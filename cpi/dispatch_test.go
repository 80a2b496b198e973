package cpi_test

import (
	"encoding/json"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("Serve", func() {
	var configPath string

	BeforeEach(func() {
		configPath = writeConfig(GinkgoT().TempDir(), validConfig())
	})

	expectError := func(out served, typ, messageSubstring string) {
		Expect(out.Response.Error).NotTo(BeNil(), "expected an error, got result %v", out.Response.Result)
		Expect(out.Response.Error.Type).To(Equal(typ))
		Expect(out.Response.Error.Message).To(ContainSubstring(messageSubstring))
		Expect(out.Response.Error.OkToRetry).To(BeFalse())
		Expect(out.Response.Result).To(BeNil())
	}

	Describe("info", func() {
		It("answers API version 3 and the default stemcell formats", func() {
			out := serve(configPath, request("info"))
			Expect(out.Response.Error).To(BeNil())
			Expect(out.Stdout).To(MatchJSON(`{"result":{"api_version":3,"stemcell_formats":["cloudstack-vhdx","cloudstack-light"]},"error":null,"log":` + mustJSON(out.Response.Log) + `}`))
		})

		It("answers the formats the config names", func() {
			cfg := validConfig()
			cfg["cloudstack"].(map[string]any)["stemcell"] = map[string]any{"formats": []string{"openstack-qcow2", "cloudstack-light"}}
			out := serve(writeConfig(GinkgoT().TempDir(), cfg), request("info"))
			Expect(out.Response.Result).To(Equal(map[string]any{
				"api_version": float64(3), "stemcell_formats": []any{"openstack-qcow2", "cloudstack-light"},
			}))
		})

		It("accepts the director's first info call, which has no api_version", func() {
			out := serve(configPath, `{"method":"info","arguments":[],"context":{"director_uuid":"d"}}`)
			Expect(out.Response.Error).To(BeNil())
		})
	})

	Describe("the method table", func() {
		It("knows every method of the CPI API and answers NotImplemented for those not built yet", func() {
			notBuilt := map[string][]any{
				"create_network": {map[string]any{}},
				"delete_network": {"net-1"},
				"current_vm_id":  {},
			}
			for method, args := range notBuilt {
				out := serve(configPath, request(method, args...))
				expectError(out, cpi.TypeNotImplemented, method+" is not implemented")
			}
		})

		It("answers NotImplemented naming an unknown method and listing the known ones", func() {
			out := serve(configPath, request("ping"))
			expectError(out, cpi.TypeNotImplemented, "unknown CPI method 'ping'")
			Expect(out.Response.Error.Message).To(ContainSubstring("attach_disk"))
		})
	})

	Describe("arguments", func() {
		DescribeTable("a wrong count or type is a CpiError naming the argument",
			func(method string, args []any, message string) {
				expectError(serve(configPath, request(method, args...)), cpi.TypeCpiError, message)
			},
			Entry("size as a string", "create_disk", []any{"10", map[string]any{}, nil},
				"create_disk: argument 1 (size) must be an integer, got string"),
			Entry("size with a fraction", "create_disk", []any{10.5, map[string]any{}, nil},
				"create_disk: argument 1 (size) must be an integer, got 10.5"),
			Entry("too few", "attach_disk", []any{"vm-1"},
				"attach_disk: expected 2 arguments (vm_cid, disk_cid), got 1"),
			Entry("no arguments", "delete_vm", []any{},
				"delete_vm: expected 1 argument (vm_cid), got 0"),
			Entry("a CID that is a number", "delete_vm", []any{42},
				"delete_vm: argument 1 (vm_cid) must be a non-empty string (CID), got integer"),
			Entry("an empty CID", "has_disk", []any{""},
				"has_disk: argument 1 (disk_cid) must be a non-empty string (CID), got an empty string"),
			Entry("cloud properties as an array", "create_disk", []any{1024, []any{}, nil},
				"create_disk: argument 2 (cloud_properties) must be an object, got array"),
			Entry("networks as a string", "create_vm", []any{"a", "s", map[string]any{}, "net", []any{}, nil},
				"create_vm: argument 4 (networks) must be an object, got string"),
			Entry("disk_cids as an object", "create_vm", []any{"a", "s", map[string]any{}, map[string]any{}, map[string]any{}, nil},
				"create_vm: argument 5 (disk_cids) must be an array, got object"),
			Entry("vm_cid as a boolean", "create_disk", []any{1024, map[string]any{}, true},
				"create_disk: argument 3 (vm_cid) must be a non-empty string (CID) or null, got boolean"),
		)

		It("accepts null cloud_properties, a null vm_cid and surplus arguments", func() {
			// The arguments pass the check; create_disk then stops at the missing disk offering.
			cloud := newFakeCloud()
			cloud.zones.FindReturns(cloudstack.Zone{ID: zoneID, Name: "zone1"}, true, nil)
			out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil, "surplus"))
			expectError(out, cpi.TypeCpiError, "create_disk: no disk offering to use")
		})

		It("accepts v3 create_stemcell's third argument and its absence", func() {
			// The arguments pass the check; the method then fails on the image, which does not exist.
			missing := "/nonexistent/image"
			expectError(serve(configPath, requestV(3, "create_stemcell", missing, map[string]any{}, map[string]any{"tags": map[string]any{}})),
				cpi.TypeCloudError, missing)
			expectError(serve(configPath, request("create_stemcell", missing, map[string]any{})), cpi.TypeCloudError, missing)
		})
	})

	Describe("malformed requests", func() {
		DescribeTable("each answers a CpiError a person can act on",
			func(req, message string) {
				expectError(serve(configPath, req), cpi.TypeCpiError, message)
			},
			Entry("empty stdin", "", "empty request on stdin"),
			Entry("only whitespace", " \n\t", "empty request on stdin"),
			Entry("invalid JSON", `{"method": "info",`, "request on stdin is not valid JSON"),
			Entry("two objects", `{"method":"info","arguments":[]} {}`, "not valid JSON"),
			Entry("an array", `["info"]`, "request on stdin must be a JSON object, got array"),
			Entry("a string", `"info"`, "must be a JSON object, got string"),
			Entry("no method", `{"arguments":[]}`, `request has no "method"`),
			Entry("method not a string", `{"method":7,"arguments":[]}`, "method must be a string, got number"),
			Entry("empty method", `{"method":"","arguments":[]}`, `request "method" is empty`),
			Entry("no arguments", `{"method":"info"}`, `info: request has no "arguments" array`),
			Entry("arguments not an array", `{"method":"has_vm","arguments":{"vm_cid":"x"}}`, `has_vm: request "arguments" must be an array, got object`),
			Entry("api_version a string", `{"method":"info","arguments":[],"api_version":"2"}`, `request "api_version" must be an integer, got string`),
			Entry("context not an object", `{"method":"info","arguments":[],"context":"x"}`, `request "context" must be an object, got string`),
			Entry("stemcell api_version a string", `{"method":"info","arguments":[],"context":{"vm":{"stemcell":{"api_version":"3"}}}}`,
				"context.vm.stemcell.api_version must be an integer, got string"),
		)

		It("handles a request of several megabytes", func() {
			big := strings.Repeat("x", 8<<20)
			out := serve(configPath, request("create_vm", "agent", "tpl", map[string]any{}, map[string]any{}, []any{}, map[string]any{"blob": big}))
			expectError(out, cpi.TypeCloudError, "create_vm: cloud_properties.compute_offering is required")
		})
	})

	Describe("config problems", func() {
		It("names the missing flag", func() {
			expectError(serve("", request("info")), cpi.TypeCpiError, "no config file given")
		})

		It("names a missing file", func() {
			out := serve("/nonexistent/cpi.json", request("info"))
			expectError(out, cpi.TypeCpiError, "/nonexistent/cpi.json")
		})

		It("names a file that is not JSON", func() {
			path := writeConfig(GinkgoT().TempDir(), "x")
			Expect(os.WriteFile(path, []byte("{not json"), 0o600)).To(Succeed())
			expectError(serve(path, request("info")), cpi.TypeCpiError, "is not valid JSON")
		})

		It("names a missing required key", func() {
			cfg := validConfig()
			delete(cfg["cloudstack"].(map[string]any), "api_key")
			expectError(serve(writeConfig(GinkgoT().TempDir(), cfg), request("info")), cpi.TypeCpiError, "cloudstack.api_key")
		})

		It("overlays CPI-config properties from the context and validates the result", func() {
			req := `{"method":"info","arguments":[],"context":{"director_uuid":"d","endpoint":"ftp://bad"}}`
			expectError(serve(configPath, req), cpi.TypeCpiError, "cloudstack.endpoint")
		})
	})

	Describe("logging", func() {
		It("tags every line with the request id and copies the log into the response", func() {
			out := serve(configPath, request("info"))
			Expect(out.Stderr).NotTo(BeEmpty())
			for _, line := range strings.Split(strings.TrimSpace(out.Stderr), "\n") {
				Expect(line).To(ContainSubstring("cpi-123456"))
			}
			Expect(out.Response.Log).To(Equal(strings.TrimRight(out.Stderr, "\n")))
		})

		It("never shows a secret from the config, the context or the arguments", func() {
			cfg := validConfig()
			cfg["log_level"] = "debug"
			path := writeConfig(GinkgoT().TempDir(), cfg)
			env := map[string]any{"bosh": map[string]any{
				"password": "$6$hashed-vcap-password",
				"mbus": map[string]any{"cert": map[string]any{
					"ca":          "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----",
					"private_key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecret\n-----END RSA PRIVATE KEY-----",
				}},
			}}
			req := map[string]any{
				"method":    "create_vm",
				"arguments": []any{"agent", "tpl", map[string]any{}, map[string]any{}, []any{}, env},
				"context":   map[string]any{"request_id": "cpi-1", "api_key": "context-api-key-777", "secret_access_key": "context-secret-888"},
			}
			data, _ := json.Marshal(req)
			out := serve(path, string(data))
			for _, secret := range []string{testAPIKey, testSecretKey, testMbusPass, "context-api-key-777", "context-secret-888",
				"hashed-vcap-password", "MIIEsecret", "MIIBfake"} {
				Expect(out.Stderr).NotTo(ContainSubstring(secret))
				Expect(out.Response.Log).NotTo(ContainSubstring(secret))
				Expect(out.Stdout).NotTo(ContainSubstring(secret))
			}
			Expect(out.Stderr).To(ContainSubstring("create_vm arguments"), "debug logging must be on for this test to mean anything")
		})
	})
})

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}
