package config_test

import (
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

var _ = Describe("Secrets", func() {
	It("lists the keys and the mbus password of the minimal config", func() {
		Expect(validConfig().Secrets()).To(Equal([]string{"K3y-0001", "MbusPassw0rd", "S3cret-0001"}))
	})

	It("lists every secret the config holds, once, sorted", func() {
		cert, key := testCA()
		c := validConfig()
		c.CloudStack.Endpoint = "https://apiuser:api-url-pw@cloud.example/client/api"
		c.CloudStack.Stemcell.URL = "https://dl:stemcell-url-pw@stemcells.example/"
		c.CloudStack.CACert = cert + key
		c.Registry = config.Registry{Host: "10.0.0.6", Username: "admin", Password: "registry-pw", Endpoint: "http://admin:registry-url-pw@10.0.0.6:25777"}
		c.Agent.Blobstore = &config.Blobstore{Provider: "s3", Options: map[string]any{
			"bucket_name":       "bosh-blobs",
			"access_key_id":     "AKIAEXAMPLE",
			"secret_access_key": "s3-secret",
			"user":              "agent",
			"password":          "K3y-0001", // the same as the API key: listed once
			"tls":               map[string]any{"cert": map[string]any{"ca": "blob-ca", "private_key": "blob-key"}},
			"numeric_token":     float64(123456),
			"endpoints":         []any{map[string]any{"host": "s3.example", "signature_version": "4"}},
		}}

		secrets := c.Secrets()
		Expect(secrets).To(ConsistOf(
			"AKIAEXAMPLE", "K3y-0001", "MbusPassw0rd", "S3cret-0001", "api-url-pw", "blob-ca", "blob-key",
			"registry-pw", "registry-url-pw", "s3-secret", "stemcell-url-pw", "123456",
			"4",                           // under signature_version, a sensitive name; the redactor ignores values this short
			strings.TrimSuffix(key, "\n"), // the private key block, not the certificate
		))
		Expect(slices.IsSorted(secrets)).To(BeTrue())
	})

	It("finds sensitive option names in any case and separator style", func() {
		c := validConfig()
		c.Agent.Blobstore = &config.Blobstore{Provider: "x", Options: map[string]any{"Secret-Key": "one1", "JSON_KEY": "two2", "name": "three3"}}
		Expect(c.Secrets()).To(ContainElements("one1", "two2"))
		Expect(c.Secrets()).NotTo(ContainElement("three3"))
	})
})
