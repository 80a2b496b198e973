package config_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

var _ = Describe("MergeContext", func() {
	var base config.Config

	BeforeEach(func() {
		base = validConfig()
		base.Agent.Blobstore = &config.Blobstore{Provider: "dav", Options: map[string]any{"endpoint": "http://10.0.0.6:25250", "password": "dav-pw"}}
		base.Warnings = []string{"unknown key cloudstack.foo (ignored)"}
	})

	merge := func(ctx string) (config.Config, error) {
		return base.MergeContext(json.RawMessage(ctx))
	}

	DescribeTable("returns the config unchanged for an absent context",
		func(ctx string) {
			merged, err := merge(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(merged).To(Equal(base))
		},
		Entry("empty", ""),
		Entry("blank", "  \n"),
		Entry("null", "null"),
		Entry("an empty object", "{}"),
	)

	It("overlays top-level keys of the cloudstack section, as the director sends a CPI config", func() {
		merged, err := merge(`{
			"director_uuid": "6a6c5a2e-0000-4000-8000-000000000001", "request_id": "cpi-482913",
			"vm": {"stemcell": {"api_version": 3}},
			"endpoint": "https://az2.cloud.example/client/api", "api_key": "az2-key", "secret_access_key": "az2-secret",
			"default_zone": "zone2", "timeout": {"create_vm": 600}, "skip_verify_ssl": true,
			"something_else": 1
		}`)
		Expect(err).NotTo(HaveOccurred())

		expected := base
		expected.CloudStack.Endpoint = "https://az2.cloud.example/client/api"
		expected.CloudStack.APIKey = "az2-key"
		expected.CloudStack.SecretAccessKey = "az2-secret"
		expected.CloudStack.DefaultZone = "zone2"
		expected.CloudStack.Timeout.CreateVM = 600
		expected.CloudStack.SkipSSLValidation = true
		Expect(merged).To(Equal(expected))
	})

	It("overlays cloudstack, agent and registry objects", func() {
		merged, err := merge(`{
			"cloudstack": {"default_zone": "zone3", "stemcell": {"formats": ["openstack-qcow2"]}},
			"agent": {"ntp": ["ntp.example"], "blobstore": {"options": {"endpoint": "http://10.0.0.7:25250"}}},
			"registry": {"host": "10.0.0.6"}
		}`)
		Expect(err).NotTo(HaveOccurred())

		Expect(merged.CloudStack.DefaultZone).To(Equal("zone3"))
		Expect(merged.CloudStack.APIKey).To(Equal("K3y-0001"))
		Expect(merged.CloudStack.Stemcell.Formats).To(Equal([]string{"openstack-qcow2"}))
		Expect(merged.CloudStack.Stemcell.OSType).To(Equal("Other PV (64-bit)"))
		Expect(merged.Agent.NTP).To(Equal([]string{"ntp.example"}))
		Expect(merged.Agent.Blobstore).To(Equal(&config.Blobstore{
			Provider: "dav", Options: map[string]any{"endpoint": "http://10.0.0.7:25250"}, // options replaced whole
		}))
		Expect(merged.Registry.URL()).To(Equal("http://10.0.0.6:6901"))
	})

	It("lets top-level keys win over the cloudstack object", func() {
		merged, err := merge(`{"cloudstack": {"default_zone": "from-object"}, "default_zone": "from-top"}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(merged.CloudStack.DefaultZone).To(Equal("from-top"))
	})

	It("never modifies the config it merges into", func() {
		_, err := merge(`{"agent": {"ntp": ["x"], "blobstore": {"provider": "s3", "options": {"bucket": "b"}}}, "cloudstack": {"calculate": {"disk_tags": ["ssd"]}}}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(base.Agent.NTP).To(BeEmpty())
		Expect(base.Agent.Blobstore).To(Equal(&config.Blobstore{Provider: "dav", Options: map[string]any{"endpoint": "http://10.0.0.6:25250", "password": "dav-pw"}}))
		Expect(base.CloudStack.Calculate.DiskTags).To(BeEmpty())
	})

	It("adds unknown keys inside the sections to the warnings", func() {
		merged, err := merge(`{"cloudstack": {"colour": "blue"}, "registry": {"tls": true}, "unrelated": 1}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(merged.Warnings).To(Equal([]string{
			"unknown key cloudstack.foo (ignored)",
			"unknown key context.cloudstack.colour (ignored)",
			"unknown key context.registry.tls (ignored)",
		}))
		Expect(base.Warnings).To(HaveLen(1))
	})

	DescribeTable("names the context key of a value of the wrong type",
		func(ctx, expected string) {
			merged, err := merge(ctx)
			Expect(err).To(MatchError(expected))
			Expect(merged).To(BeZero())
		},
		Entry("a top-level key", `{"api_key": 42}`, "context.api_key: must be a string, got number"),
		Entry("a nested top-level key", `{"timeout": {"create_vm": "10m"}}`, "context.timeout.create_vm: must be a number, got string"),
		Entry("a key in a section", `{"agent": {"mbus": ["x"]}}`, "context.agent.mbus: must be a string, got array"),
		Entry("a section", `{"registry": "10.0.0.6"}`, "context.registry: must be an object, got string"),
		Entry("the older TLS key", `{"skip_verify_ssl": "no"}`, "context.skip_verify_ssl: must be true or false, got string"),
	)

	It("ignores a wrongly typed key it does not use", func() {
		_, err := merge(`{"director_uuid": 1, "request_id": [], "vm": "x"}`)
		Expect(err).NotTo(HaveOccurred())
	})

	It("re-validates the merged config, returning it beside the error", func() {
		merged, err := merge(`{"endpoint": "ftp://x", "api_key": ""}`)
		Expect(err).To(MatchError("config merged with the request context: " +
			`cloudstack.endpoint: must be an http(s) URL, got "ftp://x"` + "\n" +
			"cloudstack.api_key: must not be empty"))
		Expect(merged.CloudStack.Endpoint).To(Equal("ftp://x"))
	})

	It("completes a config whose file lacks the credentials", func() {
		partial, err := config.Parse([]byte(`{"cloudstack": {"endpoint": "https://h/client/api"}, "agent": {"mbus": "nats://h:4222"}}`))
		Expect(err).To(HaveOccurred())

		merged, err := partial.MergeContext(json.RawMessage(`{"api_key": "k123", "secret_access_key": "s123", "default_zone": "z1"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(merged.CloudStack.APIKey).To(Equal("k123"))
	})

	It("refuses a context that is not a JSON object", func() {
		_, err := merge(`["endpoint"]`)
		Expect(err).To(MatchError("context: the top level must be a JSON object, got array"))
		_, err = merge(`{"endpoint": `)
		Expect(err).To(MatchError("context is not valid JSON: line 1, column 14: unexpected end of JSON input"))
	})
})
