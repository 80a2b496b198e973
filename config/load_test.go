package config_test

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

var _ = Describe("Load", func() {
	var dir string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
	})

	writeFile := func(content string) string {
		path := filepath.Join(dir, "cpi.json")
		Expect(os.WriteFile(path, []byte(content), 0o600)).To(Succeed())
		return path
	}

	It("loads the minimal config with every default", func() {
		c, err := config.Load(writeFile(minimalJSON))
		Expect(err).NotTo(HaveOccurred())
		Expect(c).To(Equal(validConfig()))
		Expect(c.Warnings).To(BeEmpty())
	})

	It("loads the full example without warnings", func() {
		c, err := config.Load("example_cpi.json")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Warnings).To(BeEmpty())
		Expect(c.CloudStack.Endpoint).To(Equal("https://cloud.example.com/client/api"))
		Expect(c.CloudStack.Timeout.For("create_vm").Seconds()).To(Equal(3600.0))
		Expect(c.CloudStack.Timeout.For("delete_vm").Seconds()).To(Equal(1800.0))
		Expect(c.CloudStack.DefaultOffer).To(Equal(config.DefaultOffer{Disk: "Small", EphemeralDisk: "Medium", CustomDisk: "Custom"}))
		Expect(c.Agent.NTP).To(Equal([]string{"0.pool.ntp.org", "1.pool.ntp.org"}))
		Expect(c.Agent.Blobstore).To(Equal(&config.Blobstore{
			Provider: "local", Options: map[string]any{"blobstore_path": "/var/vcap/micro_bosh/data/cache"},
		}))
		Expect(c.Registry.Configured()).To(BeFalse())
	})

	It("sets every key the example sets, so the example documents them all", func() {
		c, err := config.Load("example_cpi.json")
		Expect(err).NotTo(HaveOccurred())
		encoded, err := json.Marshal(c)
		Expect(err).NotTo(HaveOccurred())
		example, err := os.ReadFile("example_cpi.json")
		Expect(err).NotTo(HaveOccurred())
		Expect(encoded).To(MatchJSON(example))
	})

	It("names the file it cannot find", func() {
		path := filepath.Join(dir, "missing.json")
		_, err := config.Load(path)
		Expect(err).To(MatchError("reading config file '" + path + "': open " + path + ": no such file or directory"))
	})

	It("names the file it cannot read", func() {
		_, err := config.Load(dir) // a directory cannot be read as a file, whoever runs the test
		Expect(err).To(MatchError(HavePrefix("reading config file '" + dir + "': ")))
		Expect(err).To(MatchError(ContainSubstring("is a directory")))
	})

	It("says where the JSON breaks", func() {
		path := writeFile("{\n  \"cloudstack\": {\n    \"endpoint\": \"https://x\",\n  }\n}")
		_, err := config.Load(path)
		Expect(err).To(MatchError("config file '" + path + "' is not valid JSON: line 4, column 3: invalid character '}' looking for beginning of object key string"))
	})

	It("says where the JSON ends too early", func() {
		path := writeFile("{\"cloudstack\": {")
		_, err := config.Load(path)
		Expect(err).To(MatchError("config file '" + path + "' is not valid JSON: line 1, column 17: unexpected end of JSON input"))
	})

	It("refuses an empty file", func() {
		path := writeFile(" \n")
		_, err := config.Load(path)
		Expect(err).To(MatchError("config file '" + path + "' is not valid JSON: it is empty"))
	})

	It("refuses text after the object", func() {
		path := writeFile("{}\n{}")
		_, err := config.Load(path)
		Expect(err).To(MatchError("config file '" + path + "' is not valid JSON: line 2, column 1: unexpected data after the top-level value"))
	})

	It("refuses a top level that is not an object", func() {
		path := writeFile(`["cloudstack"]`)
		_, err := config.Load(path)
		Expect(err).To(MatchError("config file '" + path + "': the top level must be a JSON object, got array"))
	})

	It("names the key and the file of a validation error", func() {
		path := writeFile(`{"cloudstack": {"endpoint": "ftp://x", "api_key": "k", "secret_access_key": "s", "default_zone": "z"},
		                    "agent": {"mbus": "https://mbus:p@h:6868"}}`)
		_, err := config.Load(path)
		Expect(err).To(MatchError("config file '" + path + `': cloudstack.endpoint: must be an http(s) URL, got "ftp://x"`))
	})
})

var _ = Describe("Parse", func() {
	parseOverMinimal := func(extra string) (config.Config, error) {
		var doc map[string]any
		Expect(json.Unmarshal([]byte(minimalJSON), &doc)).To(Succeed())
		var overlay map[string]map[string]any
		Expect(json.Unmarshal([]byte(extra), &overlay)).To(Succeed())
		for section, keys := range overlay {
			if doc[section] == nil {
				doc[section] = map[string]any{}
			}
			for k, v := range keys {
				doc[section].(map[string]any)[k] = v
			}
		}
		data, err := json.Marshal(doc)
		Expect(err).NotTo(HaveOccurred())
		return config.Parse(data)
	}

	DescribeTable("names the key of a value of the wrong type",
		func(extra, expected string) {
			c, err := parseOverMinimal(extra)
			Expect(err).To(MatchError(expected))
			Expect(c).To(BeZero())
		},
		Entry("a string for a number", `{"cloudstack": {"http_timeout": "60"}}`, "cloudstack.http_timeout: must be a number, got string"),
		Entry("a fraction for a whole number", `{"cloudstack": {"http_timeout": 1.5}}`, "cloudstack.http_timeout: must be a whole number, got 1.5"),
		Entry("a huge number", `{"cloudstack": {"http_timeout": 1e12}}`, "cloudstack.http_timeout: is out of range, got 1000000000000"),
		Entry("a number for a string", `{"cloudstack": {"api_key": 12345}}`, "cloudstack.api_key: must be a string, got number"),
		Entry("a string for a boolean", `{"cloudstack": {"expunge_vm": "true"}}`, "cloudstack.expunge_vm: must be true or false, got string"),
		Entry("a string for an object", `{"cloudstack": {"timeout": "60"}}`, "cloudstack.timeout: must be an object, got string"),
		Entry("a nested number", `{"cloudstack": {"timeout": {"create_vm": true}}}`, "cloudstack.timeout.create_vm: must be a number, got boolean"),
		Entry("a string for a list", `{"agent": {"ntp": "pool.ntp.org"}}`, "agent.ntp: must be an array of strings, got string"),
		Entry("a number in a list", `{"agent": {"ntp": ["a", 2]}}`, "agent.ntp[1]: must be a string, got number"),
		Entry("an array for blobstore options", `{"agent": {"blobstore": {"provider": "local", "options": []}}}`, "agent.blobstore.options: must be an object, got array"),
		Entry("a string for the blobstore", `{"agent": {"blobstore": "local"}}`, "agent.blobstore: must be an object, got string"),
		Entry("a section of the wrong type", `{"registry": {"port": "6901"}}`, "registry.port: must be a number, got string"),
	)

	It("reports every type error at once", func() {
		_, err := parseOverMinimal(`{"cloudstack": {"http_timeout": "60", "expunge_vm": 1}, "registry": {"host": false}}`)
		Expect(err).To(MatchError("cloudstack.expunge_vm: must be true or false, got number\n" +
			"cloudstack.http_timeout: must be a number, got string\n" +
			"registry.host: must be a string, got boolean"))
	})

	It("lists unknown keys as warnings and loads the rest", func() {
		c, err := parseOverMinimal(`{"cloudstack": {"foo": 1, "private_key": "x", "timeout": {"bake": 3}}, "director": {"name": "d"}, "agent": {"env_service": "x"}}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Warnings).To(Equal([]string{
			"unknown key agent.env_service (ignored)",
			"unknown key cloudstack.foo (ignored)",
			"unknown key cloudstack.private_key (ignored)",
			"unknown key cloudstack.timeout.bake (ignored)",
			"unknown key director (ignored)",
		}))
		Expect(c.CloudStack.APIKey).To(Equal("K3y-0001"))
	})

	It("does not take Warnings from the file", func() {
		c, err := parseOverMinimal(`{"cloudstack": {}}`)
		Expect(err).NotTo(HaveOccurred())
		c2, err := config.Parse([]byte(`{"Warnings": ["x"], "cloudstack": {"endpoint": "https://h", "api_key": "k", "secret_access_key": "s", "default_zone": "z"}, "agent": {"mbus": "nats://h:4222"}}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Warnings).To(BeEmpty())
		Expect(c2.Warnings).To(Equal([]string{"unknown key Warnings (ignored)"}))
	})

	DescribeTable("takes skip_verify_ssl as the older name of skip_ssl_validation",
		func(extra string, skip bool) {
			c, err := parseOverMinimal(extra)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.CloudStack.SkipSSLValidation).To(Equal(skip))
			Expect(c.Warnings).To(BeEmpty())
		},
		Entry("neither: verify", `{"cloudstack": {}}`, false),
		Entry("the new name", `{"cloudstack": {"skip_ssl_validation": true}}`, true),
		Entry("the old name, true", `{"cloudstack": {"skip_verify_ssl": true}}`, true),
		Entry("the old name, false", `{"cloudstack": {"skip_verify_ssl": false}}`, false),
		Entry("both, agreeing", `{"cloudstack": {"skip_verify_ssl": true, "skip_ssl_validation": true}}`, true),
	)

	It("refuses the two names disagreeing", func() {
		_, err := parseOverMinimal(`{"cloudstack": {"skip_verify_ssl": true, "skip_ssl_validation": false}}`)
		Expect(err).To(MatchError("cloudstack.skip_verify_ssl: conflicts with cloudstack.skip_ssl_validation; skip_verify_ssl is its older name, set only skip_ssl_validation"))
	})

	It("names the old key in its type errors", func() {
		_, err := parseOverMinimal(`{"cloudstack": {"skip_verify_ssl": "yes"}}`)
		Expect(err).To(MatchError("cloudstack.skip_verify_ssl: must be true or false, got string"))
	})

	It("keeps the default for a null", func() {
		c, err := parseOverMinimal(`{"cloudstack": {"http_timeout": null, "expunge_vm": null, "stemcell": {"formats": null}}, "agent": {"ntp": null, "blobstore": null}}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(c).To(Equal(validConfig()))
	})

	It("replaces lists rather than appending to the defaults", func() {
		c, err := parseOverMinimal(`{"cloudstack": {"stemcell": {"formats": ["openstack-qcow2"]}}}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.CloudStack.Stemcell.Formats).To(Equal([]string{"openstack-qcow2"}))
	})

	It("overlays nested sections key by key", func() {
		c, err := parseOverMinimal(`{"cloudstack": {"stemcell": {"os_type": "Ubuntu 22.04 (64-bit)"}, "timeout": {"attach_volume": 600}}}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.CloudStack.Stemcell.OSType).To(Equal("Ubuntu 22.04 (64-bit)"))
		Expect(c.CloudStack.Stemcell.RequiresHVM).To(BeTrue())
		Expect(c.CloudStack.Timeout).To(Equal(config.Timeouts{Global: 1800, AttachVolume: 600}))
	})

	It("decodes blobstore option numbers as float64, like encoding/json", func() {
		c, err := parseOverMinimal(`{"agent": {"blobstore": {"provider": "dav", "options": {"endpoint": "http://10.0.0.6:25250", "port": 25250, "tls": {"verify": true}}}}}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Agent.Blobstore.Options).To(Equal(map[string]any{
			"endpoint": "http://10.0.0.6:25250", "port": float64(25250), "tls": map[string]any{"verify": true},
		}))
	})

	It("returns the decoded config beside a validation error", func() {
		c, err := config.Parse([]byte(`{"cloudstack": {"endpoint": "https://h/client/api", "default_zone": "z"}, "agent": {"mbus": "nats://h:4222"}}`))
		Expect(err).To(MatchError("cloudstack.api_key: must not be empty\ncloudstack.secret_access_key: must not be empty"))
		Expect(c.CloudStack.Endpoint).To(Equal("https://h/client/api"))
		Expect(c.CloudStack.HTTPTimeout).To(Equal(60))
	})

	It("says where the JSON breaks, without a file name", func() {
		_, err := config.Parse([]byte("{\"a\" 1}"))
		Expect(err).To(MatchError("config is not valid JSON: line 1, column 6: invalid character '1' after object key"))
	})
})
