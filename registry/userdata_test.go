package registry_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

func decodeUserData(encoded string) map[string]json.RawMessage {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	Expect(err).NotTo(HaveOccurred(), "user-data must be standard base64, as deployVirtualMachine wants")
	var document map[string]json.RawMessage
	Expect(json.Unmarshal(raw, &document)).To(Succeed())
	return document
}

// envOfSize is an env whose JSON is about n bytes: certificates make most
// of a real one.
func envOfSize(n int) json.RawMessage {
	return json.RawMessage(`{"bosh": {"mbus": {"cert": {"ca": "` + strings.Repeat("A", n) + `"}}}}`)
}

var _ = Describe("EncodeUserData", func() {
	It("is base64 of the settings plus the legacy server and dns keys", func() {
		settings := registry.BuildSettings(directorInput())
		encoded, err := registry.EncodeUserData(settings, 0)
		Expect(err).NotTo(HaveOccurred())

		document := decodeUserData(encoded)
		Expect(document["server"]).To(MatchJSON(`{"name": "` + vmName + `"}`))
		Expect(document["dns"]).To(MatchJSON(`{"nameserver": ["10.0.16.1", "8.8.8.8"]}`))
		Expect(document).NotTo(HaveKey("registry"))

		delete(document, "server")
		delete(document, "dns")
		withoutLegacy, err := json.Marshal(document)
		Expect(err).NotTo(HaveOccurred())
		settingsJSON, err := settings.JSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(withoutLegacy).To(MatchJSON(settingsJSON))
	})

	It("leaves dns out when no network says which DNS is the default", func() {
		in := directorInput()
		network := in.Networks["default"]
		network.Default = nil
		in.Networks["default"] = network
		encoded, err := registry.EncodeUserData(registry.BuildSettings(in), 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(decodeUserData(encoded)).NotTo(HaveKey("dns"))
	})

	It("refuses settings the agent would refuse", func() {
		in := createEnvInput()
		in.AgentID = ""
		_, err := registry.EncodeUserData(registry.BuildSettings(in), 0)
		Expect(err).To(MatchError(ContainSubstring("agent_id is empty")))
	})

	Describe("the size limit", func() {
		It("lets a director's env through under CloudStack's default 32 KiB", func() {
			encoded, err := registry.EncodeUserData(registry.BuildSettings(directorInput()), registry.DefaultUserDataMaxBytes)
			Expect(err).NotTo(HaveOccurred())
			Expect(len(encoded)).To(BeNumerically("<", 4096))
		})

		It("refuses user-data past the limit, saying what is big and what to change", func() {
			in := createEnvInput()
			in.Env = envOfSize(30000)
			_, err := registry.EncodeUserData(registry.BuildSettings(in), 0)

			var tooLarge *registry.UserDataTooLargeError
			Expect(errors.As(err, &tooLarge)).To(BeTrue())
			Expect(tooLarge.Max).To(Equal(32768))
			Expect(tooLarge.Size).To(BeNumerically(">", 40000))
			Expect(tooLarge.EnvBytes).To(Equal(len(in.Env)))
			Expect(err).To(MatchError(MatchRegexp(
				`^agent settings are \d+ bytes of base64 user-data, more than cloudstack.user_data_max_bytes \(32768\): ` +
					`the env \(certificates, blobstore credentials\) is too large at 30040 bytes of JSON; ` +
					`raise CloudStack's vm.userdata.max.length and cloudstack.user_data_max_bytes with it \(up to 1048576\), or make the env smaller$`)))
		})

		It("counts base64 bytes exactly: at the limit passes, one byte less fails", func() {
			encoded, err := registry.EncodeUserData(registry.BuildSettings(createEnvInput()), 0)
			Expect(err).NotTo(HaveOccurred())

			_, err = registry.EncodeUserData(registry.BuildSettings(createEnvInput()), len(encoded))
			Expect(err).NotTo(HaveOccurred())
			_, err = registry.EncodeUserData(registry.BuildSettings(createEnvInput()), len(encoded)-1)
			Expect(err).To(MatchError(ContainSubstring("more than cloudstack.user_data_max_bytes (%d)", len(encoded)-1)))
		})

		It("takes a raised limit", func() {
			in := createEnvInput()
			in.Env = envOfSize(30000)
			_, err := registry.EncodeUserData(registry.BuildSettings(in), 65536)
			Expect(err).NotTo(HaveOccurred())
		})
	})
})

var _ = Describe("EncodeRegistryUserData", func() {
	It("writes the registry endpoint, with the credentials old agents need in it, the server name and the DNS", func() {
		encoded, err := registry.EncodeRegistryUserData(registry.RegistryBootstrap{
			Endpoint: "http://10.0.16.6:6901/", Username: "admin", Password: "p@ss:word",
			ServerName: vmName, Nameservers: []string{"10.0.16.1"},
		}, 0)
		Expect(err).NotTo(HaveOccurred())
		raw, err := base64.StdEncoding.DecodeString(encoded)
		Expect(err).NotTo(HaveOccurred())
		Expect(raw).To(MatchJSON(`{"registry": {"endpoint": "http://admin:p%40ss%3Aword@10.0.16.6:6901"},
			"server": {"name": "` + vmName + `"}, "dns": {"nameserver": ["10.0.16.1"]}}`))
	})

	It("has no credentials and no dns when none are given", func() {
		encoded, err := registry.EncodeRegistryUserData(registry.RegistryBootstrap{
			Endpoint: "https://registry.example:6901", ServerName: vmName,
		}, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(decodeUserData(encoded)).To(Equal(map[string]json.RawMessage{
			"registry": json.RawMessage(`{"endpoint":"https://registry.example:6901"}`),
			"server":   json.RawMessage(`{"name":"` + vmName + `"}`),
		}))
	})

	DescribeTable("refuses what an old agent could not use, without echoing the password",
		func(b registry.RegistryBootstrap, message string) {
			_, err := registry.EncodeRegistryUserData(b, 0)
			Expect(err).To(MatchError(message))
		},
		Entry("no server name", registry.RegistryBootstrap{Endpoint: "http://r:6901"},
			"registry user-data: the server name is empty"),
		Entry("credentials without a scheme", registry.RegistryBootstrap{Endpoint: "admin:s3cret@10.0.16.6:6901", ServerName: "vm"},
			`registry user-data: the registry endpoint must be an http(s) URL, got "(unparseable URL)"`),
		Entry("not a URL", registry.RegistryBootstrap{Endpoint: "10.0.16.6:6901", ServerName: "vm"},
			`registry user-data: the registry endpoint must be an http(s) URL, got "(unparseable URL)"`),
		Entry("a file registry", registry.RegistryBootstrap{Endpoint: "file:///var/vcap/registry", ServerName: "vm"},
			`registry user-data: the registry endpoint must be an http(s) URL, got "file:///var/vcap/registry"`),
		Entry("credentials in a bad URL", registry.RegistryBootstrap{Endpoint: "ftp://u:s3cret@r:6901", ServerName: "vm"},
			`registry user-data: the registry endpoint must be an http(s) URL, got "ftp://r:6901"`),
	)

	It("checks the size limit too", func() {
		_, err := registry.EncodeRegistryUserData(registry.RegistryBootstrap{Endpoint: "http://r:6901", ServerName: "vm"}, 10)
		Expect(err).To(MatchError(MatchRegexp(`^registry user-data is \d+ bytes of base64, more than cloudstack.user_data_max_bytes \(10\)$`)))
	})
})
