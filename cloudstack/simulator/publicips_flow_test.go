package simulator_test

import (
	"encoding/json"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// inventoryRows decodes one table of the admin inventory.
func inventoryRows(s *sim, table string) []map[string]any {
	inv, err := s.Server.Inventory()
	Expect(err).NotTo(HaveOccurred())
	var out []map[string]any
	for _, raw := range inv[table] {
		var row map[string]any
		Expect(json.Unmarshal(raw, &row)).To(Succeed())
		out = append(out, row)
	}
	return out
}

var _ = Describe("networking flows", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	It("associate, static NAT to a VM, the VM expunged: the address is no longer NATed but stays allocated", func() {
		vm := s.addVM("vm1", "zone1", "zone1-isolated")
		job := s.runJob("associateIpAddress", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone1")})
		ip := job["jobresult"].(map[string]any)["ipaddress"].(map[string]any)["id"].(string)
		Expect(s.ok("enableStaticNat", map[string]string{"ipaddressid": ip, "virtualmachineid": vm})["success"]).To(BeTrue())
		Expect(inventoryRows(s, "publicips")).To(ContainElement(And(HaveKeyWithValue("id", ip),
			HaveKeyWithValue("state", "Allocated"), HaveKeyWithValue("isstaticnat", true), HaveKeyWithValue("virtualmachineid", vm))))

		s.expungeVM(vm)

		listed := items(s.ok("listPublicIpAddresses", map[string]string{"id": ip}), "publicipaddress")
		Expect(listed).To(ConsistOf(And(HaveKeyWithValue("isstaticnat", false), HaveKeyWithValue("state", "Allocated"))))
		Expect(listed[0]).NotTo(HaveKey("virtualmachineid"))
		Expect(s.ok("listPublicIpAddresses", map[string]string{"isstaticnat": "true"})).To(Equal(map[string]any{}))
		s.apiError("enableStaticNat", map[string]string{"ipaddressid": ip, "virtualmachineid": vm}, 431)

		// The freed address serves another VM.
		other := s.addVM("vm2", "zone1", "zone1-isolated")
		Expect(s.ok("enableStaticNat", map[string]string{"ipaddressid": ip, "virtualmachineid": other})["success"]).To(BeTrue())
	})

	It("load balancer: create, assign two VMs, list them, remove one, expunge the other, delete", func() {
		lb := s.createLB("203.0.113.12", "web", 80, 8080)
		vm1, vm2 := s.addVM("vm1", "zone1", "zone1-isolated"), s.addVM("vm2", "zone1", "zone1-isolated")
		Expect(s.runJob("assignToLoadBalancerRule", map[string]string{"id": lb, "virtualmachineids": vm1 + "," + vm2})["jobstatus"]).
			To(BeNumerically("==", 1))
		Expect(items(s.ok("listLoadBalancerRuleInstances", map[string]string{"id": lb}), "loadbalancerruleinstance")).
			To(ConsistOf(HaveKeyWithValue("id", vm1), HaveKeyWithValue("id", vm2)))
		Expect(inventoryRows(s, "loadbalancers")).To(ConsistOf(And(HaveKeyWithValue("id", lb), HaveKeyWithValue("state", "Active"),
			HaveKeyWithValue("members", HaveLen(2)))))

		Expect(s.runJob("removeFromLoadBalancerRule", map[string]string{"id": lb, "virtualmachineids": vm1})["jobstatus"]).
			To(BeNumerically("==", 1))
		s.expungeVM(vm2)
		Expect(s.ok("listLoadBalancerRuleInstances", map[string]string{"id": lb})).To(Equal(map[string]any{}))
		Expect(s.ok("listLoadBalancerRules", map[string]string{"virtualmachineid": vm1})).To(Equal(map[string]any{}))

		Expect(s.runJob("deleteLoadBalancerRule", map[string]string{"id": lb})["jobstatus"]).To(BeNumerically("==", 1))
		Expect(inventoryRows(s, "loadbalancers")).To(BeEmpty())
		Expect(s.ok("listLoadBalancerRules", nil)).To(Equal(map[string]any{}))
	})

	It("runs every async networking command through cloudstack-go's polling client, results decoding without loss", func() {
		cs := s.asyncClient()
		jobResult := func(key string) any {
			job := s.lastBody("queryAsyncJobResult")["queryasyncjobresultresponse"].(map[string]any)
			return job["jobresult"].(map[string]any)[key]
		}

		ap := cs.Address.NewAssociateIpAddressParams()
		ap.SetZoneid(zone1(cs))
		ip, err := cs.Address.AssociateIpAddress(ap)
		Expect(err).NotTo(HaveOccurred())
		Expect(ip.Ipaddress).To(Equal("203.0.113.20"))
		Expect(ip.State).To(Equal("Allocated"))
		Expect(ip.Associatednetworkname).To(Equal("zone1-isolated"))
		Expect(shapeProblems("", jobResult("ipaddress"), nil, typeOf[cloudstack.AssociateIpAddressResponse](), nil)).To(BeEmpty())

		vm1, vm2 := s.addVM("vm1", "zone1", "zone1-isolated"), s.addVM("vm2", "zone1", "zone1-isolated")
		_, err = cs.NAT.EnableStaticNat(cs.NAT.NewEnableStaticNatParams(ip.Id, vm1))
		Expect(err).NotTo(HaveOccurred())
		nat, err := cs.NAT.DisableStaticNat(cs.NAT.NewDisableStaticNatParams(ip.Id))
		Expect(err).NotTo(HaveOccurred())
		Expect(nat.Success).To(BeTrue())

		lp := cs.LoadBalancer.NewCreateLoadBalancerRuleParams("source", "web", 8080, 80)
		lp.SetPublicipid(ip.Id)
		lb, err := cs.LoadBalancer.CreateLoadBalancerRule(lp)
		Expect(err).NotTo(HaveOccurred())
		Expect(lb.Publicport).To(Equal("80"))
		Expect(lb.State).To(Equal("Add"))
		Expect(shapeProblems("", jobResult("loadbalancer"), nil, typeOf[cloudstack.CreateLoadBalancerRuleResponse](), nil)).To(BeEmpty())

		assign := cs.LoadBalancer.NewAssignToLoadBalancerRuleParams(lb.Id)
		assign.SetVirtualmachineids([]string{vm1, vm2})
		a, err := cs.LoadBalancer.AssignToLoadBalancerRule(assign)
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Success).To(BeTrue())
		_, err = cs.LoadBalancer.AssignToLoadBalancerRule(assign)
		Expect(err).To(MatchError(HavePrefix(`Undefined error: {"errorcode":431,"errortext":"VM ` + vm1)))

		remove := cs.LoadBalancer.NewRemoveFromLoadBalancerRuleParams(lb.Id)
		remove.SetVirtualmachineids([]string{vm2})
		r, err := cs.LoadBalancer.RemoveFromLoadBalancerRule(remove)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Success).To(BeTrue())

		d, err := cs.LoadBalancer.DeleteLoadBalancerRule(cs.LoadBalancer.NewDeleteLoadBalancerRuleParams(lb.Id))
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Success).To(BeTrue())

		rel, err := cs.Address.DisassociateIpAddress(cs.Address.NewDisassociateIpAddressParams(ip.Id))
		Expect(err).NotTo(HaveOccurred())
		Expect(rel.Success).To(BeTrue())
		_, n, err := cs.Address.GetPublicIpAddressByID(ip.Id)
		Expect(err).To(MatchError(ContainSubstring("No match found for " + ip.Id)))
		Expect(n).To(Equal(0))
	})

	It("reports synchronous refusals the way cloudstack-go surfaces them", func() {
		cs := s.client()
		vm1, vm2 := s.addVM("vm1", "zone1", "zone1-isolated"), s.addVM("vm2", "zone1", "zone1-isolated")
		ip := s.publicIPID("203.0.113.11")
		_, err := cs.NAT.EnableStaticNat(cs.NAT.NewEnableStaticNatParams(ip, vm1))
		Expect(err).NotTo(HaveOccurred())
		_, err = cs.NAT.EnableStaticNat(cs.NAT.NewEnableStaticNatParams(ip, vm2))
		Expect(err).To(MatchError(HavePrefix("CloudStack API error 537 (CSExceptionErrorCode: 9999): Failed to enable static for the ip address")))

		ap := cs.Address.NewAssociateIpAddressParams()
		ap.SetZoneid(s.firstID("listZones", "zone", "zone2"))
		_, err = cs.Address.AssociateIpAddress(ap)
		Expect(err).NotTo(HaveOccurred())
		_, err = cs.Address.AssociateIpAddress(ap)
		Expect(err).To(MatchError("CloudStack API error 533 (CSExceptionErrorCode: 9999): Insufficient address capacity"))
	})
})
