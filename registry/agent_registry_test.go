package registry_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	boshsettings "github.com/cloudfoundry/bosh-agent/v2/settings"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// oldAgentFetch is what agents before v2.478.0 did when user-data held no
// settings (infrastructure/http_registry.go then): GET
// <registry.endpoint>/instances/<server.name>/settings with a plain HTTP
// client, so basic auth only from the endpoint URL, and unwrap
// {"settings": "<JSON>"} into settings.Settings.
func oldAgentFetch(userData agentUserData) (boshsettings.Settings, error) {
	var settings boshsettings.Settings
	resp, err := http.Get(userData.Registry.Endpoint + "/instances/" + userData.Server.Name + "/settings")
	if err != nil {
		return settings, err
	}
	defer resp.Body.Close() //nolint:errcheck
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return settings, err
	}
	var wrapper struct{ Settings string }
	if err := json.Unmarshal(body, &wrapper); err != nil {
		return settings, err
	}
	err = json.Unmarshal([]byte(wrapper.Settings), &settings)
	return settings, err
}

var _ = Describe("registry mode, as an old agent follows it", func() {
	It("reaches the settings the CPI put, through the bootstrap user-data alone", func() {
		server := newFakeRegistry("registry-user", registryPassword)
		DeferCleanup(server.Close)
		client := registry.Client{Endpoint: server.URL, Username: "registry-user", Password: registryPassword}
		Expect(client.Put(context.Background(), vmName, registry.BuildSettings(directorInput()))).To(Succeed())

		userData, err := registry.EncodeRegistryUserData(registry.RegistryBootstrap{
			Endpoint: server.URL, Username: "registry-user", Password: registryPassword,
			ServerName: vmName, Nameservers: []string{"10.0.16.1"},
		}, 0)
		Expect(err).NotTo(HaveOccurred())
		router := newVirtualRouter(userData)
		DeferCleanup(router.Close)

		source := newStemcellHTTPSource(router.URL)
		_, err = source.Settings()
		Expect(err).To(MatchError("Metadata does not provide settings"), "user-data alone holds no settings in registry mode")

		bootstrap, err := source.userData()
		Expect(err).NotTo(HaveOccurred())
		Expect(bootstrap.Server.Name).To(Equal(vmName))
		Expect(bootstrap.DNS.Nameserver).To(Equal([]string{"10.0.16.1"}))

		agent, err := oldAgentFetch(bootstrap)
		Expect(err).NotTo(HaveOccurred())
		Expect(agent.AgentID).To(Equal(agentID))
		Expect(agent.Networks["default"].Mac).To(Equal("1e:00:5a:00:00:12"))
		persistent, found := agent.PersistentDiskSettings(persistentID)
		Expect(found).To(BeTrue())
		Expect(persistent.Path).To(Equal("/dev/xvde"))
		Expect(agent.GetMbusURL()).To(Equal("nats://10.0.16.6:4222"))
	})

	It("is turned away without the credentials in the endpoint", func() {
		server := newFakeRegistry("registry-user", registryPassword)
		DeferCleanup(server.Close)
		userData, err := registry.EncodeRegistryUserData(registry.RegistryBootstrap{Endpoint: server.URL, ServerName: vmName}, 0)
		Expect(err).NotTo(HaveOccurred())
		router := newVirtualRouter(userData)
		DeferCleanup(router.Close)

		bootstrap, err := newStemcellHTTPSource(router.URL).userData()
		Expect(err).NotTo(HaveOccurred())
		_, err = oldAgentFetch(bootstrap)
		Expect(err).To(MatchError("unexpected end of JSON input"), "a 401 answer holds no settings")
		Expect(server.requestLog()).To(Equal([]string{"GET /instances/" + vmName + "/settings"}))
	})
})
