package templatetest_test

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

// loadRendered renders config/cpi.json and loads it with the CPI's own loader, which must accept it
// without a warning (a warning would mean the template writes a key the CPI does not know).
func loadRendered(properties map[string]any) (config.Config, map[string]any) {
	rendered := mustRender("cpi.json.erb", properties)
	cfg, err := config.Parse([]byte(rendered))
	Expect(err).NotTo(HaveOccurred(), "rendered cpi.json:\n%s", rendered)
	Expect(cfg.Warnings).To(BeEmpty())
	document := map[string]any{}
	Expect(decodeJSON([]byte(rendered), &document)).To(Succeed())
	return cfg, document
}

var _ = Describe("config/cpi.json.erb", func() {
	It("renders, from the required properties alone, the CPI's own defaults", func() {
		cfg, _ := loadRendered(requiredProperties())

		want := config.Default()
		want.CloudStack.Endpoint = "https://cloud.example.com/client/api"
		want.CloudStack.APIKey = "K3y-0001"
		want.CloudStack.SecretAccessKey = "S3cret-0001"
		want.CloudStack.DefaultZone = "zone1"
		want.Agent.Mbus = "https://mbus:MbusPassw0rd@0.0.0.0:6868"
		Expect(cfg).To(Equal(want))
	})

	It("passes every property of a full manifest to its key, and writes every key", func() {
		properties := withProperty(readProperties("full-properties.yml"), "cloudstack.ca_cert", testCACert())
		cfg, document := loadRendered(properties)

		spec := jobSpec()
		rendered := flatten(document)
		loaded := map[string]any{}
		Expect(decodeJSON(mustMarshal(cfg), &loaded)).To(Succeed())
		reloaded := flatten(loaded)
		Expect(sortedKeys(rendered)).To(Equal(configKeys()))
		for _, key := range configKeys() {
			set, ok := lookup(properties, key)
			Expect(ok).To(BeTrue(), "full-properties.yml does not set %s", key)
			Expect(asJSON(set)).NotTo(Equal(asJSON(spec[key].Default)),
				"full-properties.yml sets %s to its default, which would not show a template mixing it up", key)
			Expect(asJSON(rendered[key])).To(Equal(asJSON(set)), "rendered %s", key)
			Expect(asJSON(reloaded[key])).To(Equal(asJSON(set)), "loaded %s", key)
		}
	})

	DescribeTable("stops the deploy, naming the property, when a required one is missing",
		func(property string) {
			_, err := renderTemplate("cpi.json.erb", withoutProperty(requiredProperties(), property))
			Expect(err).To(MatchError(ContainSubstring("Can't find property '%s'", property)))
		},
		Entry(nil, "cloudstack.endpoint"),
		Entry(nil, "cloudstack.api_key"),
		Entry(nil, "cloudstack.secret_access_key"),
		Entry(nil, "cloudstack.default_zone"),
		Entry(nil, "agent.mbus"),
	)

	It("takes a manifest written for the older cloudstack_cpi job", func() {
		cfg, document := loadRendered(readProperties("older-job-properties.yml"))

		Expect(cfg.CloudStack.SkipSSLValidation).To(BeTrue(), "skip_verify_ssl is the older name of skip_ssl_validation")
		Expect(cfg.Agent.NTP).To(Equal([]string{"time1.google.com", "time2.google.com"}), "ntp is the older agent.ntp")
		Expect(cfg.CloudStack.Timeout.AttachVolume).To(Equal(36000))
		Expect(cfg.CloudStack.DefaultOffer.CustomDisk).To(Equal("shared.custom"))
		Expect(cfg.CloudStack.Stemcell.PublicVisibility).To(BeTrue())
		Expect(cfg.CloudStack.Stemcell.RequiresHVM).To(BeFalse())
		Expect(cfg.Agent.Blobstore).To(Equal(&config.Blobstore{Provider: "local",
			Options: map[string]any{"blobstore_path": "/var/vcap/micro_bosh/data/cache"}}))
		Expect(cfg.Registry.URL()).To(Equal("http://10.0.0.6:25777"))
		Expect(sortedKeys(flatten(document))).To(Equal(configKeys()), "the ignored properties stay out of cpi.json")
	})

	DescribeTable("turns TLS verification off when either name of the property says so",
		func(current, older any, skip bool) {
			properties := requiredProperties()
			if current != nil {
				withProperty(properties, "cloudstack.skip_ssl_validation", current)
			}
			if older != nil {
				withProperty(properties, "cloudstack.skip_verify_ssl", older)
			}
			cfg, _ := loadRendered(properties)
			Expect(cfg.CloudStack.SkipSSLValidation).To(Equal(skip))
		},
		Entry("neither set", nil, nil, false),
		Entry("skip_ssl_validation", true, nil, true),
		Entry("skip_verify_ssl", nil, true, true),
		Entry("both false", false, false, false),
		Entry("only the older one true", false, true, true),
	)

	It("prefers agent.ntp to the older ntp", func() {
		properties := withProperty(requiredProperties(), "agent.ntp", []string{"ntp.example.com"})
		withProperty(properties, "ntp", []string{"old.example.com"})
		cfg, _ := loadRendered(properties)
		Expect(cfg.Agent.NTP).To(Equal([]string{"ntp.example.com"}))
	})

	DescribeTable("gives the agents a blobstore only when agent.blobstore.provider names one",
		func(blobstore map[string]any, want *config.Blobstore) {
			properties := requiredProperties()
			if blobstore != nil {
				withProperty(properties, "agent.blobstore", blobstore)
			}
			cfg, document := loadRendered(properties)
			Expect(cfg.Agent.Blobstore).To(Equal(want))
			_, present := lookup(document, "agent.blobstore")
			Expect(present).To(Equal(want != nil))
		},
		Entry("unset", nil, nil),
		Entry("empty provider, as the older job's default", map[string]any{"provider": ""}, nil),
		Entry("provider without options", map[string]any{"provider": "local"},
			&config.Blobstore{Provider: "local", Options: map[string]any{}}),
		Entry("provider and options", map[string]any{"provider": "dav", "options": map[string]any{"user": "agent"}},
			&config.Blobstore{Provider: "dav", Options: map[string]any{"user": "agent"}}),
	)

	It("renders the properties release/manifests/cpi.yml sets", func() {
		for _, properties := range opsFileProperties() {
			loadRendered(properties)
		}
	})
})

// testCACert is a PEM certificate the config's ca_cert check accepts.
func testCACert() string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "template-test CA"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(0, 0).Add(100 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	Expect(err).NotTo(HaveOccurred())
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
