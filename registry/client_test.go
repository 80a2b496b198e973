package registry_test

import (
	"context"
	"errors"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

const registryPassword = "R3gistry-Passw0rd"

var _ = Describe("Client", func() {
	var (
		server *fakeRegistry
		client registry.Client
		ctx    context.Context
	)

	BeforeEach(func() {
		server = newFakeRegistry("admin", registryPassword)
		DeferCleanup(server.Close)
		client = registry.Client{Endpoint: server.URL, Username: "admin", Password: registryPassword}
		ctx = context.Background()
	})

	It("puts the settings JSON itself and gets them back out of the registry's envelope", func() {
		settings := registry.BuildSettings(directorInput())
		Expect(client.Put(ctx, vmName, settings)).To(Succeed())

		stored, ok := server.stored(vmName)
		Expect(ok).To(BeTrue())
		settingsJSON, err := settings.JSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(stored).To(MatchJSON(settingsJSON))

		got, err := client.Get(ctx, vmName)
		Expect(err).NotTo(HaveOccurred())
		gotJSON, err := got.JSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(gotJSON).To(MatchJSON(settingsJSON))
	})

	It("reads settings an older CPI stored with string disk hints", func() {
		server.store("old-vm", `{"agent_id":"a","disks":{"system":"/dev/xvda","ephemeral":"/dev/xvdb","persistent":{"disk-1":"/dev/xvdc"}},"env":{}}`)
		got, err := client.Get(ctx, "old-vm")
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Disks.Ephemeral).To(Equal(&registry.DiskHint{Path: "/dev/xvdb", VolumeID: "/dev/xvdb"}))
		Expect(got.Disks.Persistent).To(HaveKeyWithValue("disk-1", registry.DiskHint{Path: "/dev/xvdc", VolumeID: "/dev/xvdc"}))
	})

	It("escapes the instance id in the path", func() {
		Expect(client.Put(ctx, "vm 1/x", registry.AgentSettings{AgentID: "a"})).To(Succeed())
		Expect(server.requestLog()).To(ContainElement("PUT /instances/vm%201%2Fx/settings"))
	})

	It("deletes, and a second delete of the same settings is still success", func() {
		Expect(client.Put(ctx, vmName, registry.AgentSettings{AgentID: "a"})).To(Succeed())
		Expect(client.Delete(ctx, vmName)).To(Succeed())
		_, ok := server.stored(vmName)
		Expect(ok).To(BeFalse())
		Expect(client.Delete(ctx, vmName)).To(Succeed())
	})

	It("takes a 404 on delete as already gone", func() {
		server.deleteMissing = http.StatusNotFound
		Expect(client.Delete(ctx, "never-there")).To(Succeed())
	})

	It("says which settings are missing on a GET 404, as ErrSettingsNotFound", func() {
		_, err := client.Get(ctx, "never-there")
		Expect(errors.Is(err, registry.ErrSettingsNotFound)).To(BeTrue())
		Expect(err).To(MatchError("registry " + server.URL + ": GET /instances/never-there/settings: no agent settings in the registry for this instance"))
	})

	It("uses credentials embedded in the endpoint when no username is set, and never shows the password", func() {
		client = registry.Client{Endpoint: strings.Replace(server.URL, "http://", "http://admin:"+registryPassword+"@", 1)}
		Expect(client.Put(ctx, vmName, registry.AgentSettings{AgentID: "a"})).To(Succeed())

		_, err := client.Get(ctx, "never-there")
		Expect(err).To(MatchError(HavePrefix("registry " + server.URL + ": GET")))
		Expect(err.Error()).NotTo(ContainSubstring(registryPassword))
		Expect(err.Error()).NotTo(ContainSubstring("admin"))
	})

	It("reports a refused login with the status and the registry's answer", func() {
		client.Password = "wrong"
		err := client.Put(ctx, vmName, registry.AgentSettings{AgentID: "a"})
		Expect(err).To(MatchError("registry " + server.URL + `: PUT /instances/` + vmName + `/settings: HTTP 401: {"status":"access_denied"}`))
	})

	DescribeTable("reports server errors with the status and the start of the body, the password blanked",
		func(method func(registry.Client) error, verb string) {
			server.fail(http.StatusInternalServerError, `{"status":"error","echo":"`+registryPassword+`"}`+strings.Repeat("x", 500))
			err := method(client)
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(HavePrefix("registry " + server.URL + ": " + verb + " /instances/vm-1/settings: HTTP 500: " +
				`{"status":"error","echo":"<redacted>"}xxx`))
			Expect(err.Error()).To(HaveSuffix("x..."))
			Expect(err.Error()).NotTo(ContainSubstring(registryPassword))
			Expect(len(err.Error())).To(BeNumerically("<", 500))
		},
		Entry("get", func(c registry.Client) error { _, err := c.Get(context.Background(), "vm-1"); return err }, "GET"),
		Entry("put", func(c registry.Client) error { return c.Put(context.Background(), "vm-1", registry.AgentSettings{}) }, "PUT"),
		Entry("delete", func(c registry.Client) error { return c.Delete(context.Background(), "vm-1") }, "DELETE"),
	)

	It("reports an answer that is not the registry's envelope", func() {
		server.fail(http.StatusOK, `<html>proxy login</html>`)
		_, err := client.Get(ctx, "vm-1")
		Expect(err).To(MatchError("registry " + server.URL + `: GET /instances/vm-1/settings: the answer is not {"status":"ok","settings":"..."}: <html>proxy login</html>`))
	})

	It("reports stored settings that are not settings", func() {
		server.fail(http.StatusOK, `{"status":"ok","settings":"[1,2]"}`)
		_, err := client.Get(ctx, "vm-1")
		Expect(err).To(MatchError(HavePrefix("registry " + server.URL + ": GET /instances/vm-1/settings: the stored settings are not agent settings: ")))
	})

	It("reports an unreachable registry, naming it without credentials", func() {
		server.Close()
		client.Endpoint = strings.Replace(server.URL, "http://", "http://admin:"+registryPassword+"@", 1)
		err := client.Delete(ctx, "vm-1")
		Expect(err).To(MatchError(HavePrefix("registry " + server.URL + ": DELETE /instances/vm-1/settings: ")))
		Expect(err.Error()).To(ContainSubstring("connection refused"))
		Expect(err.Error()).NotTo(ContainSubstring(registryPassword))
	})

	It("stops when the context is cancelled", func() {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		err := client.Put(cancelled, vmName, registry.AgentSettings{AgentID: "a"})
		Expect(errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "context canceled")).To(BeTrue(), err.Error())
	})

	DescribeTable("refuses bad input before any request",
		func(c registry.Client, id, message string) {
			err := c.Delete(context.Background(), id)
			Expect(err).To(MatchError(message))
		},
		Entry("an empty instance id", registry.Client{Endpoint: "http://r:6901"}, " ", "registry http://r:6901: DELETE settings: the instance id is empty"),
		Entry("no endpoint", registry.Client{}, "vm-1", `registry endpoint must be an http(s) URL, got ""`),
		Entry("an endpoint without scheme, its password hidden", registry.Client{Endpoint: "admin:s3cret@r:6901"}, "vm-1",
			`registry endpoint must be an http(s) URL, got "(unparseable URL)"`),
	)
})
