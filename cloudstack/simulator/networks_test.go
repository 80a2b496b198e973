package simulator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("networks", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	It("lists the seeded networks with CloudStack's filters and shapes", func() {
		Expect(s.ok("listNetworks", nil)["count"]).To(BeNumerically("==", 4))
		zone2 := s.firstID("listZones", "zone", "zone2")
		byZone := items(s.ok("listNetworks", map[string]string{"zoneid": zone2}), "network")
		Expect(byZone).To(HaveLen(2))
		Expect(byZone[0]["zonename"]).To(Equal("zone2"))

		shared := items(s.ok("listNetworks", map[string]string{"type": "shared", "zoneid": zone2}), "network")
		Expect(shared).To(ConsistOf(And(HaveKeyWithValue("name", "zone2-shared"), HaveKeyWithValue("type", "Shared"),
			HaveKeyWithValue("acltype", "Domain"), HaveKeyWithValue("state", "Setup"))))
		var services []any
		for _, svc := range shared[0]["service"].([]any) {
			services = append(services, svc.(map[string]any)["name"])
		}
		Expect(services).To(ConsistOf("Dns", "Dhcp", "UserData"))

		isolated := items(s.ok("listNetworks", map[string]string{"name": "zone1-isolated"}), "network")[0]
		Expect(isolated).To(And(HaveKeyWithValue("cidr", "10.1.1.0/24"), HaveKeyWithValue("gateway", "10.1.1.1"),
			HaveKeyWithValue("netmask", "255.255.255.0"), HaveKeyWithValue("dns1", "8.8.8.8"),
			HaveKeyWithValue("state", "Allocated"), HaveKeyWithValue("traffictype", "Guest"), HaveKeyWithValue("tags", []any{})))
		Expect(isolated).NotTo(HaveKey("dns2"))
		services = nil
		for _, svc := range isolated["service"].([]any) {
			services = append(services, svc.(map[string]any)["name"])
		}
		Expect(services).To(ContainElements("Dhcp", "Dns", "UserData", "StaticNat", "Lb", "SourceNat", "Firewall"))

		Expect(s.ok("listNetworks", map[string]string{"keyword": "ISOLATED"})["count"]).To(BeNumerically("==", 2))
		Expect(s.ok("listNetworks", map[string]string{"name": "zone1"})).To(Equal(map[string]any{}), "name is exact")
		Expect(s.ok("listNetworks", map[string]string{"canusefordeploy": "false"})).To(Equal(map[string]any{}))
		Expect(s.ok("listNetworks", map[string]string{"issystem": "true"})).To(Equal(map[string]any{}))
		Expect(s.ok("listNetworks", map[string]string{"id": isolated["id"].(string)})["count"]).To(BeNumerically("==", 1))
		s.apiError("listNetworks", map[string]string{"id": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}, 431)
	})

	It("can be tagged and filtered by tag", func() {
		id := s.firstID("listNetworks", "network", "zone1-shared")
		Expect(s.runJob("createTags", map[string]string{"resourceids": id, "resourcetype": "Network",
			"tags[0].key": "bosh", "tags[0].value": "yes"})["jobstatus"]).To(BeNumerically("==", 1))
		tagged := items(s.ok("listNetworks", map[string]string{"tags[0].key": "bosh", "tags[0].value": "yes"}), "network")
		Expect(tagged).To(ConsistOf(HaveKeyWithValue("name", "zone1-shared")))
	})

	Describe("guest IP allocation", func() {
		var network string
		BeforeEach(func() { network = s.firstID("listNetworks", "network", "zone1-isolated") })
		ipOf := func(id string) string {
			return s.vm(id)["nic"].([]any)[0].(map[string]any)["ipaddress"].(string)
		}
		static := func(name, ip string) map[string]string {
			return map[string]string{"name": name, "iptonetworklist[0].networkid": network, "iptonetworklist[0].ip": ip}
		}

		It("hands out the next free address, skipping the gateway and reserved ones", func() {
			a := s.deployed(map[string]string{"name": "a", "networkids": network})
			Expect(ipOf(a)).To(Equal("10.1.1.2"))
			b := s.deployed(static("b", "10.1.1.3"))
			Expect(ipOf(b)).To(Equal("10.1.1.3"))
			c := s.deployed(map[string]string{"name": "c", "networkids": network})
			Expect(ipOf(c)).To(Equal("10.1.1.4"))
			Expect(items(s.ok("listNetworks", map[string]string{"id": network}), "network")[0]["state"]).To(Equal("Implemented"))
		})

		It("refuses a static address that is outside the CIDR, taken, the gateway or malformed, in the deploy call itself", func() {
			s.deployed(static("a", "10.1.1.50"))
			for _, ip := range []string{"10.1.1.50", "10.1.2.7", "10.1.1.1", "10.1.1.0", "10.1.1.255"} {
				body := s.apiError("deployVirtualMachine", s.deployParams(static("b", ip)), 533)
				Expect(body["errortext"]).To(HavePrefix("Unable to acquire Guest IP address for network Ntwk["+network), ip)
			}
			body := s.apiError("deployVirtualMachine", s.deployParams(static("b", "10.1.1.300")), 431)
			Expect(body["errortext"]).To(Equal("Invalid specified IPv4 address 10.1.1.300"))
			Expect(s.ok("listVirtualMachines", nil)["count"]).To(BeNumerically("==", 1), "a refused deploy leaves no VM")
		})

		It("keeps a destroyed VM's address until it is expunged", func() {
			a := s.deployed(static("a", "10.1.1.9"))
			Expect(s.runJob("destroyVirtualMachine", map[string]string{"id": a})["jobstatus"]).To(BeNumerically("==", 1))
			s.apiError("deployVirtualMachine", s.deployParams(static("b", "10.1.1.9")), 533)
			Expect(s.runJob("expungeVirtualMachine", map[string]string{"id": a})["jobstatus"]).To(BeNumerically("==", 1))
			b := s.deployed(static("b", "10.1.1.9"))
			Expect(ipOf(b)).To(Equal("10.1.1.9"))
		})

		It("gives every NIC of a multi-homed VM its own address and MAC, the first one default", func() {
			shared := s.firstID("listNetworks", "network", "zone1-shared")
			id := s.deployed(map[string]string{"name": "multi", "networkids": network + "," + shared, "ipaddress": "10.1.1.20"})
			nics := s.vm(id)["nic"].([]any)
			Expect(nics).To(HaveLen(2))
			first, second := nics[0].(map[string]any), nics[1].(map[string]any)
			Expect(first).To(And(HaveKeyWithValue("ipaddress", "10.1.1.20"), HaveKeyWithValue("isdefault", true), HaveKeyWithValue("deviceid", "0")))
			Expect(second).To(And(HaveKeyWithValue("ipaddress", "10.1.2.2"), HaveKeyWithValue("isdefault", false),
				HaveKeyWithValue("deviceid", "1"), HaveKeyWithValue("networkname", "zone1-shared"), HaveKeyWithValue("type", "Shared")))
			Expect(first["macaddress"]).To(MatchRegexp(`^02:00:([0-9a-f]{2}:){3}[0-9a-f]{2}$`))
			Expect(first["macaddress"]).NotTo(Equal(second["macaddress"]))

			mac := s.deployed(map[string]string{"name": "mac", "iptonetworklist[0].networkid": network, "iptonetworklist[0].mac": "02:00:aa:bb:cc:dd"})
			Expect(s.vm(mac)["nic"].([]any)[0]).To(HaveKeyWithValue("macaddress", "02:00:aa:bb:cc:dd"))
			s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "dup", "iptonetworklist[0].networkid": network,
				"iptonetworklist[0].mac": "02:00:AA:BB:CC:DD"}), 431)
			s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "bad", "iptonetworklist[0].networkid": network,
				"iptonetworklist[0].mac": "nope"}), 431)
		})

		It("refuses networks of another zone, iptonetworklist mixed with networkids, and unknown networks", func() {
			other := s.firstID("listNetworks", "network", "zone2-isolated")
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "networkids": other}), 431)["errortext"]).
				To(ContainSubstring("doesn't belong to zone"))
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "networkids": network,
				"iptonetworklist[0].networkid": network}), 431)["errortext"]).
				To(Equal("ipToNetworkMap can't be specified along with networkIds or ipAddress"))
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x",
				"iptonetworklist[0].networkid": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}), 431)["errortext"]).
				To(Equal("Unable to translate and find entity with networkId: 8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"))
			s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "networkids": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}), 431)
		})
	})
})
