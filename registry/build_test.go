package registry_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

var _ = Describe("BuildSettings", func() {
	It("writes the document the agent reads, NIC MACs and IPs filled in", func() {
		settings := registry.BuildSettings(directorInput())
		raw, err := settings.JSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw).To(MatchJSON(`{
		  "agent_id": "` + agentID + `",
		  "vm": {"name": "` + vmName + `", "id": "` + vmCID + `"},
		  "mbus": "nats://10.0.16.6:4222",
		  "ntp": ["0.pool.ntp.org"],
		  "blobstore": {"provider": "dav", "options": {"endpoint": "http://10.0.16.6:25250", "user": "agent", "password": "top-level-pw"}},
		  "networks": {
		    "default": {"type": "manual", "ip": "10.0.16.10", "netmask": "255.255.255.0", "gateway": "10.0.16.1",
		                "prefix": "32", "dns": ["10.0.16.1", "8.8.8.8"], "default": ["dns", "gateway"],
		                "mac": "1e:00:5a:00:00:12", "cloud_properties": {"name": "bosh-net", "security_groups": ["bosh"]}},
		    "backend": {"type": "dynamic", "ip": "10.1.0.5", "netmask": "255.255.255.0", "gateway": "10.1.0.1",
		                "prefix": "32", "dns": ["10.1.0.1"], "mac": "1e:00:5a:00:00:13",
		                "routes": [{"destination": "192.168.0.0", "gateway": "10.1.0.1", "netmask": "255.255.0.0"}],
		                "cloud_properties": {"name": "backend-net"}},
		    "public":  {"type": "vip", "ip": "203.0.113.7", "prefix": "32", "cloud_properties": {}}
		  },
		  "disks": {"system": "/dev/xvda", "ephemeral": {"path": "/dev/xvdb", "volume_id": "1"},
		            "persistent": {"` + persistentID + `": {"path": "/dev/xvde", "volume_id": "4"}}},
		  "env": ` + directorEnv + `
		}`))
		Expect(settings.Validate()).To(Succeed())
	})

	It("keeps the env byte for byte but for insignificant whitespace", func() {
		raw, err := registry.BuildSettings(directorInput()).JSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).To(ContainSubstring(`"password":"dav<&>pw"`))
		Expect(string(raw)).To(ContainSubstring(`"password":"$6$4gDD3aV0rdqlrKC$2axHCx`))
		Expect(string(raw)).To(ContainSubstring(`"ca":"-----BEGIN CERTIFICATE-----\nMIIBCA\n-----END CERTIFICATE-----\n"`))
	})

	It("writes empty lists and maps, not nulls, and a null ephemeral disk when there is none", func() {
		settings := registry.BuildSettings(registry.SettingsInput{AgentID: "a", VMName: "vm-1"})
		raw, err := settings.JSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw).To(MatchJSON(`{"agent_id": "a", "vm": {"name": "vm-1"}, "mbus": "", "ntp": [], "networks": {},
			"disks": {"system": "", "ephemeral": null, "persistent": {}}, "env": {}}`))
	})

	It("leaves vip networks without NIC fields and keeps the director's IP over the NIC's", func() {
		in := directorInput()
		in.NICs["public"] = registry.NIC{MAC: "aa:bb:cc:dd:ee:ff", IP: "10.9.9.9"}
		in.NICs["default"] = registry.NIC{MAC: "1e:00:5a:00:00:12", IP: "10.0.16.99"}
		settings := registry.BuildSettings(in)
		Expect(settings.Networks["public"].Mac).To(BeEmpty())
		Expect(settings.Networks["public"].IP).To(Equal("203.0.113.7"))
		Expect(settings.Networks["default"].IP).To(Equal("10.0.16.10"))
	})

	It("sets use_dhcp on every NIC's network when asked, never on a vip", func() {
		in := directorInput()
		in.UseDHCP = true
		settings := registry.BuildSettings(in)
		Expect(settings.Networks["default"].UseDHCP).To(BeTrue())
		Expect(settings.Networks["backend"].UseDHCP).To(BeTrue())
		Expect(settings.Networks["public"].UseDHCP).To(BeFalse())
	})

	It("does not share slices or maps with its input", func() {
		in := directorInput()
		settings := registry.BuildSettings(in)
		in.Networks["default"].DNS[0] = "6.6.6.6"
		in.PersistentDisks["other"] = registry.DiskHint{Path: "/dev/xvdf"}
		Expect(settings.Networks["default"].DNS[0]).To(Equal("10.0.16.1"))
		Expect(settings.Disks.Persistent).NotTo(HaveKey("other"))
	})
})

var _ = Describe("AgentSettings.Validate", func() {
	It("accepts a single network without a MAC: the agent maps one network to one NIC", func() {
		Expect(registry.BuildSettings(createEnvInput()).Validate()).To(Succeed())
	})

	It("reports every problem at once", func() {
		in := directorInput()
		in.AgentID = " "
		in.NICs = nil
		in.Env = json.RawMessage(`["not", "an", "object"]`)
		settings := registry.BuildSettings(in)
		settings.Networks["odd"] = registry.AgentNetwork{Type: "bridged"}
		Expect(settings.Validate()).To(MatchError("invalid agent settings: " +
			"agent_id is empty (the agent ignores settings without one); " +
			"env must be a JSON object; " +
			`networks.odd.type must be manual, dynamic or vip, got "bridged"; ` +
			"networks.backend has no mac: with several NICs the agent skips a network it cannot match to one; " +
			"networks.default has no mac: with several NICs the agent skips a network it cannot match to one"))
	})

	It("takes an alias in place of a MAC", func() {
		settings := registry.BuildSettings(directorInput())
		backend := settings.Networks["backend"]
		backend.Mac, backend.Alias = "", "eth1"
		settings.Networks["backend"] = backend
		Expect(settings.Validate()).To(Succeed())
	})
})
