package simulator_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("public IP addresses", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	count := func(params map[string]string) int {
		body := s.ok("listPublicIpAddresses", params)
		if body["count"] == nil {
			return 0
		}
		return int(body["count"].(float64))
	}

	Describe("listPublicIpAddresses", func() {
		It("lists the allocated addresses, free ones only with allocatedonly=false, and renders them like CloudStack", func() {
			Expect(count(nil)).To(Equal(5))
			Expect(count(map[string]string{"allocatedonly": "false"})).To(Equal(8))

			snat := s.publicIP("203.0.113.10")
			Expect(snat).To(And(HaveKeyWithValue("issourcenat", true), HaveKeyWithValue("state", "Allocated"),
				HaveKeyWithValue("zonename", "zone1"), HaveKeyWithValue("associatednetworkname", "zone1-isolated"),
				HaveKeyWithValue("account", "admin"), HaveKeyWithValue("forvirtualnetwork", true),
				HaveKeyWithValue("isstaticnat", false), HaveKeyWithValue("tags", []any{}), HaveKey("allocated"),
				HaveKey("vlanid"), HaveKey("networkid"), HaveKey("physicalnetworkid")))
			Expect(snat).NotTo(HaveKey("virtualmachineid"))

			free := s.publicIP("203.0.113.20")
			Expect(free).To(HaveKeyWithValue("state", "Free"))
			Expect(free).NotTo(HaveKey("account"))
			Expect(free).NotTo(HaveKey("associatednetworkid"))
			Expect(free).NotTo(HaveKey("allocated"))
		})

		It("filters by zone, network, source/static NAT, state, keyword and id", func() {
			zone2 := s.firstID("listZones", "zone", "zone2")
			Expect(count(map[string]string{"zoneid": zone2})).To(Equal(2))
			var isolated string
			s.Server.Do(func(st *simulator.Store) { isolated = networkID(st, "zone1-isolated") })
			Expect(count(map[string]string{"associatednetworkid": isolated})).To(Equal(3))
			Expect(count(map[string]string{"issourcenat": "true"})).To(Equal(2))
			Expect(count(map[string]string{"isstaticnat": "false"})).To(Equal(5))
			Expect(count(map[string]string{"isstaticnat": "true"})).To(Equal(0))
			Expect(count(map[string]string{"state": "free", "allocatedonly": "false"})).To(Equal(3))
			Expect(count(map[string]string{"forvirtualnetwork": "false"})).To(Equal(0))
			Expect(count(map[string]string{"keyword": "198.51"})).To(Equal(2))
			Expect(count(map[string]string{"id": s.publicIPID("203.0.113.11")})).To(Equal(1))
			s.apiError("listPublicIpAddresses", map[string]string{"id": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}, 431)
			s.apiError("listPublicIpAddresses", map[string]string{"isstaticnat": "maybe"}, 431)
		})

		It("tags addresses as PublicIpAddress and filters by tag", func() {
			id := s.publicIPID("203.0.113.11")
			Expect(s.runJob("createTags", map[string]string{"resourceids": id, "resourcetype": "PublicIpAddress",
				"tags[0].key": "director", "tags[0].value": "d1"})["jobstatus"]).To(BeNumerically("==", 1))
			Expect(s.publicIP("203.0.113.11")["tags"]).To(ConsistOf(HaveKeyWithValue("key", "director")))
			Expect(count(map[string]string{"tags[0].key": "director", "tags[0].value": "d1"})).To(Equal(1))
		})
	})

	Describe("associateIpAddress", func() {
		It("allocates the zone's next free address in its create phase and associates it in the job", func() {
			s := startSim(func(o *simulator.Options) { o.JobDelay = 10 * time.Second })
			first := s.ok("associateIpAddress", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone1")})
			Expect(first).To(HaveKey("id"))
			Expect(first).To(HaveKey("jobid"))

			pending := s.publicIP("203.0.113.20")
			Expect(pending["id"]).To(Equal(first["id"]))
			Expect(pending["state"]).To(Equal("Allocating"))
			Expect(pending).NotTo(HaveKey("associatednetworkid"))

			s.Clock.Advance(10 * time.Second)
			job := s.job(first["jobid"].(string))
			Expect(job).To(And(HaveKeyWithValue("jobstatus", 1.0), HaveKeyWithValue("jobinstancetype", "IpAddress"),
				HaveKeyWithValue("jobinstanceid", first["id"]),
				HaveKeyWithValue("cmd", "org.apache.cloudstack.api.command.user.address.AssociateIPAddrCmd")))
			ip := job["jobresult"].(map[string]any)["ipaddress"].(map[string]any)
			Expect(ip).To(And(HaveKeyWithValue("ipaddress", "203.0.113.20"), HaveKeyWithValue("state", "Allocated"),
				HaveKeyWithValue("associatednetworkname", "zone1-isolated"), HaveKeyWithValue("issourcenat", false)))
			Expect(s.publicIP("203.0.113.20")["state"]).To(Equal("Allocated"))
		})

		It("takes the zone from the network, honours a requested address and answers 533 when the range is exhausted", func() {
			var zone2Isolated string
			s.Server.Do(func(st *simulator.Store) { zone2Isolated = networkID(st, "zone2-isolated") })
			ip := s.runJob("associateIpAddress", map[string]string{"networkid": zone2Isolated})["jobresult"].(map[string]any)["ipaddress"]
			Expect(ip).To(And(HaveKeyWithValue("ipaddress", "198.51.100.20"), HaveKeyWithValue("associatednetworkid", zone2Isolated)))

			body := s.apiError("associateIpAddress", map[string]string{"networkid": zone2Isolated}, 533)
			Expect(body["errortext"]).To(Equal("Insufficient address capacity"))
			Expect(body["cserrorcode"]).To(BeNumerically("==", 9999))

			zone1 := s.firstID("listZones", "zone", "zone1")
			requested := s.runJob("associateIpAddress", map[string]string{"zoneid": zone1, "ipaddress": "203.0.113.21"})
			Expect(requested["jobresult"].(map[string]any)["ipaddress"]).To(HaveKeyWithValue("ipaddress", "203.0.113.21"))
			s.apiError("associateIpAddress", map[string]string{"zoneid": zone1, "ipaddress": "203.0.113.11"}, 533)
		})

		It("refuses without a zone or network, for a shared network, and where the zone has no isolated network", func() {
			Expect(s.apiError("associateIpAddress", nil, 431)["errortext"]).To(HavePrefix("Unable to figure out zone to assign IP to."))
			var shared string
			s.Server.Do(func(st *simulator.Store) { shared = networkID(st, "zone1-shared") })
			Expect(s.apiError("associateIpAddress", map[string]string{"networkid": shared}, 431)["errortext"]).
				To(HavePrefix("Associate IP address can only be called on the shared networks"))
			s.apiError("associateIpAddress", map[string]string{"networkid": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}, 431)

			bare := startSim(func(o *simulator.Options) {
				o.Seed = &simulator.Seed{Zones: []simulator.SeedZone{{Name: "zone3", Hypervisor: "KVM"}},
					PublicIPs: []simulator.SeedPublicIP{{Zone: "zone3", IPAddress: "192.0.2.1", Free: true}}}
			})
			body := bare.apiError("associateIpAddress", map[string]string{"zoneid": bare.firstID("listZones", "zone", "zone3")}, 431)
			Expect(body["errortext"]).To(Equal("Account name=admin domain=ROOT doesn't have virtual networks in zone=zone3"))
		})
	})

	Describe("disassociateIpAddress", func() {
		It("frees the address with its tags, static NAT and load balancer rules", func() {
			vm := s.addVM("vm1", "zone1", "zone1-isolated")
			natted, balanced := s.publicIPID("203.0.113.11"), s.publicIPID("203.0.113.12")
			Expect(s.ok("enableStaticNat", map[string]string{"ipaddressid": natted, "virtualmachineid": vm})).To(Equal(map[string]any{"success": true}))
			lb := s.createLB("203.0.113.12", "web", 80, 8080)
			s.runJob("createTags", map[string]string{"resourceids": natted, "resourcetype": "PublicIpAddress", "tags[0].key": "k", "tags[0].value": "v"})

			for _, id := range []string{natted, balanced} {
				job := s.runJob("disassociateIpAddress", map[string]string{"id": id})
				Expect(job).To(And(HaveKeyWithValue("jobstatus", 1.0), HaveKeyWithValue("jobinstancetype", "IpAddress"),
					HaveKeyWithValue("jobresult", map[string]any{"success": true})))
				Expect(s.ok("listPublicIpAddresses", map[string]string{"id": id})).To(Equal(map[string]any{}), "released addresses are not listed")
			}
			Expect(s.publicIP("203.0.113.11")).To(And(HaveKeyWithValue("state", "Free"), HaveKeyWithValue("isstaticnat", false)))
			Expect(s.publicIP("203.0.113.11")).NotTo(HaveKey("virtualmachineid"))
			Expect(s.ok("listTags", nil)).To(Equal(map[string]any{}))
			Expect(s.ok("listLoadBalancerRules", nil)).To(Equal(map[string]any{}))
			s.apiError("listLoadBalancerRules", map[string]string{"id": lb}, 431)

			inv, err := s.Server.Inventory()
			Expect(err).NotTo(HaveOccurred())
			Expect(inv["loadbalancers"]).To(BeEmpty())

			// Back in the pool.
			again := s.runJob("associateIpAddress", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone1"), "ipaddress": "203.0.113.11"})
			Expect(again["jobstatus"]).To(BeNumerically("==", 1))
		})

		It("refuses the source NAT address inside the job, is a no-op on a free address and accepts an address", func() {
			code, text := jobError(s.runJob("disassociateIpAddress", map[string]string{"id": s.publicIPID("203.0.113.10")}))
			Expect(code).To(Equal(530))
			Expect(text).To(Equal("ip address is used for source nat purposes and can not be disassociated."))

			free := s.runJob("disassociateIpAddress", map[string]string{"id": s.publicIPID("203.0.113.20")})
			Expect(free["jobresult"]).To(Equal(map[string]any{"success": true}))

			Expect(s.runJob("disassociateIpAddress", map[string]string{"ipaddress": "203.0.113.12"})["jobstatus"]).To(BeNumerically("==", 1))
			Expect(s.publicIP("203.0.113.12")["state"]).To(Equal("Free"))
			s.apiError("disassociateIpAddress", map[string]string{"ipaddress": "203.0.113.12"}, 431)
			s.apiError("disassociateIpAddress", nil, 431)
		})
	})

	Describe("seeding", func() {
		seedWith := func(ips ...simulator.SeedPublicIP) error {
			seed := simulator.DefaultSeed()
			seed.PublicIPs = ips
			_, err := simulator.New(simulator.Options{Seed: seed})
			return err
		}

		It("rejects unknown zones and networks, bad or duplicate addresses and inconsistent flags", func() {
			Expect(seedWith(simulator.SeedPublicIP{Zone: "nowhere", IPAddress: "192.0.2.1"})).To(MatchError(ContainSubstring(`unknown zone "nowhere"`)))
			Expect(seedWith(simulator.SeedPublicIP{Zone: "zone1", IPAddress: "not-an-ip"})).To(MatchError(ContainSubstring("is not an IPv4 address")))
			Expect(seedWith(simulator.SeedPublicIP{Zone: "zone1", IPAddress: "192.0.2.1"}, simulator.SeedPublicIP{Zone: "zone2", IPAddress: "192.0.2.1"})).
				To(MatchError(ContainSubstring("listed twice")))
			Expect(seedWith(simulator.SeedPublicIP{Zone: "zone1", IPAddress: "192.0.2.1", Free: true, Network: "zone1-isolated"})).
				To(MatchError(ContainSubstring("a free address has no network")))
			Expect(seedWith(simulator.SeedPublicIP{Zone: "zone1", IPAddress: "192.0.2.1", SourceNAT: true})).
				To(MatchError(ContainSubstring("needs its network")))
			Expect(seedWith(simulator.SeedPublicIP{Zone: "zone1", IPAddress: "192.0.2.1", Network: "zone2-isolated"})).
				To(MatchError(ContainSubstring("is not in zone")))
			Expect(seedWith(simulator.SeedPublicIP{Zone: "zone1", IPAddress: "192.0.2.1", Network: "nonet"})).
				To(MatchError(ContainSubstring(`unknown network "nonet"`)))
			Expect(seedWith(simulator.SeedPublicIP{Zone: "zone1", IPAddress: "192.0.2.1", Network: "zone1-isolated", SourceNAT: true},
				simulator.SeedPublicIP{Zone: "zone1", IPAddress: "192.0.2.2", Network: "zone1-isolated", SourceNAT: true})).
				To(MatchError(ContainSubstring("already has a source NAT address")))
		})
	})
})
