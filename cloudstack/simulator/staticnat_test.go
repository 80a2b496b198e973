package simulator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("static NAT", func() {
	var (
		s          *sim
		vm1, vm2   string
		ip11, ip12 string
	)
	BeforeEach(func() {
		s = startSim(nil)
		vm1 = s.addVM("vm1", "zone1", "zone1-isolated")
		vm2 = s.addVM("vm2", "zone1", "zone1-isolated")
		ip11, ip12 = s.publicIPID("203.0.113.11"), s.publicIPID("203.0.113.12")
	})
	enable := func(ipID, vmID string) map[string]string {
		return map[string]string{"ipaddressid": ipID, "virtualmachineid": vmID}
	}

	It("is enabled synchronously, shows the VM on the address, and is disabled in a job", func() {
		Expect(s.ok("enableStaticNat", enable(ip11, vm1))).To(Equal(map[string]any{"success": true}))
		Expect(s.publicIP("203.0.113.11")).To(And(HaveKeyWithValue("isstaticnat", true),
			HaveKeyWithValue("virtualmachineid", vm1), HaveKeyWithValue("virtualmachinename", "vm1"),
			HaveKeyWithValue("virtualmachinedisplayname", "vm1-display"),
			HaveKeyWithValue("vmipaddress", s.vmNIC(vm1, "zone1-isolated"))))
		Expect(s.ok("listPublicIpAddresses", map[string]string{"isstaticnat": "true"})["count"]).To(BeNumerically("==", 1))

		job := s.runJob("disableStaticNat", map[string]string{"ipaddressid": ip11})
		Expect(job).To(And(HaveKeyWithValue("jobresult", map[string]any{"success": true}),
			HaveKeyWithValue("cmd", "org.apache.cloudstack.api.command.user.nat.DisableStaticNatCmd")))
		ip := s.publicIP("203.0.113.11")
		Expect(ip).To(HaveKeyWithValue("isstaticnat", false))
		Expect(ip).NotTo(HaveKey("virtualmachineid"))
		Expect(ip).NotTo(HaveKey("vmipaddress"))

		code, text := jobError(s.runJob("disableStaticNat", map[string]string{"ipaddressid": ip11}))
		Expect(code).To(Equal(431))
		Expect(text).To(Equal("Specified IP address id is not associated with any vm Id"))
		code, text = jobError(s.runJob("disableStaticNat", map[string]string{"ipaddressid": s.publicIPID("203.0.113.20")}))
		Expect(code).To(Equal(431))
		Expect(text).To(HaveSuffix("invalid IP address specified."))
	})

	It("answers 537 when the address is NATed to another VM or carries load balancer rules", func() {
		s.ok("enableStaticNat", enable(ip11, vm1))
		body := s.apiError("enableStaticNat", enable(ip11, vm2), 537)
		Expect(body["errortext"]).To(HaveSuffix("and vm id=" + vm2 + " as it's already assigned to antoher vm"))
		Expect(body["cserrorcode"]).To(BeNumerically("==", 9999))

		s.createLB("203.0.113.12", "web", 80, 8080)
		Expect(s.apiError("enableStaticNat", enable(ip12, vm2), 537)["errortext"]).To(HaveSuffix("as it already has LoadBalancing rules assigned"))
	})

	It("allows one static NAT per VM address, enabling twice included", func() {
		s.ok("enableStaticNat", enable(ip11, vm1))
		for _, ip := range []string{ip12, ip11} {
			body := s.apiError("enableStaticNat", enable(ip, vm1), 431)
			Expect(body["errortext"]).To(ContainSubstring("as the vm vm1 with Id " + vm1 + " is already associated with another public ip 203.0.113.11"))
			Expect(body["cserrorcode"]).To(BeNumerically("==", 4350))
		}
	})

	It("refuses source NAT addresses, VMs outside the network or going away, and foreign guest IPs", func() {
		Expect(s.apiError("enableStaticNat", enable(s.publicIPID("203.0.113.10"), vm1), 431)["errortext"]).
			To(HaveSuffix("is a sourceNat ip address"))

		outsider := s.addVM("outsider", "zone1", "zone1-shared")
		Expect(s.apiError("enableStaticNat", enable(ip11, outsider), 431)["errortext"]).
			To(Equal("Vm doesn't belong to the network with specified id"))

		s.setVMState(vm2, "Destroyed")
		Expect(s.apiError("enableStaticNat", enable(ip11, vm2), 431)["errortext"]).To(Equal("Invalid user vm: " + vm2))

		params := enable(ip11, vm1)
		params["vmguestip"] = "10.1.1.250"
		Expect(s.apiError("enableStaticNat", params, 431)["errortext"]).To(Equal("VM ip 10.1.1.250 address not belongs to the vm"))
		params["vmguestip"] = s.vmNIC(vm1, "zone1-isolated")
		s.ok("enableStaticNat", params)
	})

	It("needs an address that is allocated and associated with the VM's network", func() {
		free := s.publicIPID("203.0.113.20")
		Expect(s.apiError("enableStaticNat", enable(free, vm1), 431)["errortext"]).
			To(HaveSuffix("as IP is not associated with any network and no networkId is passed in"))
		params := enable(free, vm1)
		s.Server.Do(func(st *simulator.Store) { params["networkid"] = networkID(st, "zone1-isolated") })
		Expect(s.apiError("enableStaticNat", params, 431)["errortext"]).To(ContainSubstring("is not assigned to the network"))

		s.apiError("enableStaticNat", map[string]string{"virtualmachineid": vm1}, 431)
		s.apiError("enableStaticNat", enable(ip11, "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"), 431)
		s.apiError("disableStaticNat", nil, 431)
	})
})
