package config_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

// testCA returns a self-signed CA certificate and its private key, in PEM.
func testCA() (certPEM, keyPEM string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test CA"},
		NotBefore:             time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2044, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	Expect(err).NotTo(HaveOccurred())
	keyDER, err := x509.MarshalECPrivateKey(key)
	Expect(err).NotTo(HaveOccurred())
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
}

var _ = Describe("Validate", func() {
	DescribeTable("names the key of each problem",
		func(change func(*config.Config), expected string) {
			c := validConfig()
			change(&c)
			Expect(c.Validate()).To(MatchError(expected))
		},
		Entry("no endpoint", func(c *config.Config) { c.CloudStack.Endpoint = "" }, "cloudstack.endpoint: must not be empty"),
		Entry("a blank endpoint", func(c *config.Config) { c.CloudStack.Endpoint = "  " }, "cloudstack.endpoint: must not be empty"),
		Entry("an endpoint of another scheme", func(c *config.Config) { c.CloudStack.Endpoint = "ftp://x" }, `cloudstack.endpoint: must be an http(s) URL, got "ftp://x"`),
		Entry("an endpoint without a scheme", func(c *config.Config) { c.CloudStack.Endpoint = "cloud.example/client/api" }, `cloudstack.endpoint: must be an http(s) URL, got "cloud.example/client/api"`),
		Entry("an endpoint without a host", func(c *config.Config) { c.CloudStack.Endpoint = "https:///client/api" }, `cloudstack.endpoint: must be an http(s) URL, got "https:///client/api"`),
		Entry("an endpoint that does not parse, password hidden", func(c *config.Config) { c.CloudStack.Endpoint = "https://u:s3cret@h:port/x" },
			`cloudstack.endpoint: must be an http(s) URL, got "https://u:REDACTED@h:port/x"`),
		Entry("no api key", func(c *config.Config) { c.CloudStack.APIKey = "" }, "cloudstack.api_key: must not be empty"),
		Entry("no secret key", func(c *config.Config) { c.CloudStack.SecretAccessKey = "" }, "cloudstack.secret_access_key: must not be empty"),
		Entry("no zone", func(c *config.Config) { c.CloudStack.DefaultZone = "" }, "cloudstack.default_zone: must not be empty"),
		Entry("a ca_cert that is no PEM", func(c *config.Config) { c.CloudStack.CACert = "not a certificate" },
			"cloudstack.ca_cert: must hold at least one PEM certificate (-----BEGIN CERTIFICATE-----)"),
		Entry("a ca_cert that does not parse", func(c *config.Config) {
			c.CloudStack.CACert = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
		}, "cloudstack.ca_cert: certificate 1 does not parse: x509: malformed certificate"),
		Entry("a zero HTTP timeout", func(c *config.Config) { c.CloudStack.HTTPTimeout = 0 }, "cloudstack.http_timeout: must be at least 1, got 0"),
		Entry("no user-data room", func(c *config.Config) { c.CloudStack.UserDataMaxBytes = 0 }, "cloudstack.user_data_max_bytes: must be between 1 and 1048576, got 0"),
		Entry("too much user-data room", func(c *config.Config) { c.CloudStack.UserDataMaxBytes = 1048577 }, "cloudstack.user_data_max_bytes: must be between 1 and 1048576, got 1048577"),
		Entry("an unknown ephemeral disk mode", func(c *config.Config) { c.CloudStack.EphemeralDiskMode = "root" },
			`cloudstack.ephemeral_disk_mode: must be one of deploy, volume, none, got "root"`),
		Entry("an empty ephemeral disk mode", func(c *config.Config) { c.CloudStack.EphemeralDiskMode = "" },
			`cloudstack.ephemeral_disk_mode: must be one of deploy, volume, none, got ""`),
		Entry("a zero global timeout", func(c *config.Config) { c.CloudStack.Timeout.Global = 0 }, "cloudstack.timeout.global: must be at least 1, got 0"),
		Entry("a negative operation timeout", func(c *config.Config) { c.CloudStack.Timeout.DeleteSnapshotVolume = -5 },
			"cloudstack.timeout.delete_snapshot_volume: must not be negative, got -5"),
		Entry("a zero initial poll interval", func(c *config.Config) { c.CloudStack.Polling.InitialIntervalMS = 0 },
			"cloudstack.polling.initial_interval_ms: must be at least 1, got 0"),
		Entry("a maximum poll interval under the initial one", func(c *config.Config) { c.CloudStack.Polling.MaxIntervalMS = 100 },
			"cloudstack.polling.max_interval_ms: must not be less than cloudstack.polling.initial_interval_ms (200), got 100"),
		Entry("no OS type", func(c *config.Config) { c.CloudStack.Stemcell.OSType = "" }, "cloudstack.stemcell.os_type: must not be empty"),
		Entry("no stemcell formats", func(c *config.Config) { c.CloudStack.Stemcell.Formats = []string{} },
			"cloudstack.stemcell.formats: must name at least one stemcell format"),
		Entry("an empty stemcell format", func(c *config.Config) { c.CloudStack.Stemcell.Formats = []string{"cloudstack-vhdx", ""} },
			"cloudstack.stemcell.formats[1]: must not be empty"),
		Entry("a stemcell URL of another scheme", func(c *config.Config) { c.CloudStack.Stemcell.URL = "s3://bucket" },
			`cloudstack.stemcell.url: must be an http(s) URL, got "s3://bucket"`),
		Entry("negative upload retries", func(c *config.Config) { c.CloudStack.Stemcell.UploadRetries = -1 },
			"cloudstack.stemcell.upload_retries: must not be negative, got -1"),
		Entry("auto anti-affinity without a type", func(c *config.Config) {
			c.CloudStack.EnableAutoAntiAffinity = true
			c.CloudStack.AutoAntiAffinityType = ""
		}, "cloudstack.auto_anti_affinity_type: must not be empty when cloudstack.enable_auto_anti_affinity is true"),
		Entry("no mbus", func(c *config.Config) { c.Agent.Mbus = "" }, "agent.mbus: must not be empty"),
		Entry("an mbus that is no URL, password hidden", func(c *config.Config) { c.Agent.Mbus = "mbus:pw@0.0.0.0:6868" },
			`agent.mbus: must be a URL such as https://mbus:PASSWORD@0.0.0.0:6868, got "mbus:REDACTED@0.0.0.0:6868"`),
		Entry("an mbus that does not parse, password hidden", func(c *config.Config) { c.Agent.Mbus = "https://mbus:pw@[::1" },
			`agent.mbus: must be a URL such as https://mbus:PASSWORD@0.0.0.0:6868, got "https://mbus:REDACTED@[::1"`),
		Entry("an empty NTP server", func(c *config.Config) { c.Agent.NTP = []string{""} }, "agent.ntp[0]: must not be empty"),
		Entry("a blobstore without provider", func(c *config.Config) { c.Agent.Blobstore = &config.Blobstore{} }, "agent.blobstore.provider: must not be empty"),
		Entry("a registry endpoint that is no http(s) URL", func(c *config.Config) { c.Registry.Endpoint = "registry:25777" },
			`registry.endpoint: must be an http(s) URL, got "registry:25777"`),
		Entry("a registry port out of range", func(c *config.Config) { c.Registry.Port = 70000 },
			"registry.port: must be between 1 and 65535 (0 means 6901), got 70000"),
		Entry("an unknown log level", func(c *config.Config) { c.LogLevel = "verbose" }, `log_level: must be one of debug, info, warn, error, got "verbose"`),
	)

	DescribeTable("accepts",
		func(change func(*config.Config)) {
			c := validConfig()
			change(&c)
			Expect(c.Validate()).To(Succeed())
		},
		Entry("an http endpoint", func(c *config.Config) { c.CloudStack.Endpoint = "http://10.0.0.2:8080/client/api" }),
		Entry("a nats mbus", func(c *config.Config) { c.Agent.Mbus = "nats://nats:pw@10.0.0.6:4222" }),
		Entry("a log level in capitals", func(c *config.Config) { c.LogLevel = "DEBUG" }),
		Entry("an empty log level, meaning info", func(c *config.Config) { c.LogLevel = "" }),
		Entry("the volume and none disk modes", func(c *config.Config) { c.CloudStack.EphemeralDiskMode = "none" }),
		Entry("a registry by host, port 0", func(c *config.Config) { c.Registry = config.Registry{Host: "10.0.0.6"} }),
		Entry("a registry by endpoint", func(c *config.Config) { c.Registry.Endpoint = "https://admin:pw@10.0.0.6:25777" }),
		Entry("a stemcell URL", func(c *config.Config) { c.CloudStack.Stemcell.URL = "https://stemcells.example/" }),
		Entry("a ca_cert", func(c *config.Config) { c.CloudStack.CACert, _ = testCA() }),
		Entry("a ca_cert bundle with a key in it", func(c *config.Config) {
			cert, key := testCA()
			c.CloudStack.CACert = cert + key
		}),
	)

	It("reports every problem at once, in a stable order", func() {
		c := config.Default()
		c.CloudStack.HTTPTimeout = -1
		c.LogLevel = "loud"
		Expect(c.Validate()).To(MatchError("cloudstack.endpoint: must not be empty\n" +
			"cloudstack.api_key: must not be empty\n" +
			"cloudstack.secret_access_key: must not be empty\n" +
			"cloudstack.default_zone: must not be empty\n" +
			"cloudstack.http_timeout: must be at least 1, got -1\n" +
			"agent.mbus: must not be empty\n" +
			`log_level: must be one of debug, info, warn, error, got "loud"`))
	})
})
