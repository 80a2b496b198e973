package simulator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The families meet through hooks (wiring.go); these specs use only real deployed VMs, so they fail if
// a hook is left unwired.
var _ = Describe("families wired together", func() {
	var s *sim

	BeforeEach(func() { s = startSim(nil) })

	It("static NAT sees a deployed VM, listVirtualMachines shows it, and expunging the VM releases it", func() {
		vmID := s.deployed(map[string]string{"name": "nat-vm"})
		ip := s.runJob("associateIpAddress", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone1")})
		ipID := ip["jobresult"].(map[string]any)["ipaddress"].(map[string]any)["id"].(string)

		s.ok("enableStaticNat", map[string]string{"ipaddressid": ipID, "virtualmachineid": vmID})
		Expect(s.vm(vmID)).To(HaveKeyWithValue("publicipid", ipID))

		job := s.runJob("destroyVirtualMachine", map[string]string{"id": vmID, "expunge": "true"})
		Expect(job["jobstatus"]).To(BeNumerically("==", 1), "destroy failed: %v", job["jobresult"])
		listed := items(s.ok("listPublicIpAddresses", map[string]string{"id": ipID}), "publicipaddress")
		Expect(listed).To(HaveLen(1))
		Expect(listed[0]).To(HaveKeyWithValue("isstaticnat", false))
		Expect(listed[0]).NotTo(HaveKey("virtualmachineid"))
	})

	It("a load balancer rule takes a deployed VM and loses it when the VM is expunged", func() {
		vmID := s.deployed(map[string]string{"name": "lb-vm"})
		ip := s.runJob("associateIpAddress", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone1")})
		address := ip["jobresult"].(map[string]any)["ipaddress"].(map[string]any)["ipaddress"].(string)
		lbID := s.createLB(address, "web", 80, 8080)

		assign := s.runJob("assignToLoadBalancerRule", map[string]string{"id": lbID, "virtualmachineids": vmID})
		Expect(assign["jobstatus"]).To(BeNumerically("==", 1), "assign failed: %v", assign["jobresult"])
		Expect(items(s.ok("listLoadBalancerRuleInstances", map[string]string{"id": lbID}), "loadbalancerruleinstance")).To(HaveLen(1))

		s.runJob("destroyVirtualMachine", map[string]string{"id": vmID, "expunge": "true"})
		Expect(items(s.ok("listLoadBalancerRuleInstances", map[string]string{"id": lbID}), "loadbalancerruleinstance")).To(BeEmpty())
	})

	It("deploys from an uploaded template only where it is ready, and keeps it while a VM uses it", func() {
		tpl := s.uploadedTemplate("stemcell") // zone1, XenServer
		zone2 := s.firstID("listZones", "zone", "zone2")
		failedID, failed := s.deploy(map[string]string{"name": "elsewhere", "templateid": tpl, "zoneid": zone2})
		Expect(failed["jobstatus"]).To(BeNumerically("==", 2))
		Expect(failed["jobresult"]).To(HaveKeyWithValue("errortext", ContainSubstring("has not been completely downloaded to zone")))

		vmID := s.deployed(map[string]string{"name": "from-upload", "templateid": tpl})
		refused := s.runJob("deleteTemplate", map[string]string{"id": tpl})
		Expect(refused["jobstatus"]).To(BeNumerically("==", 2))
		Expect(refused["jobresult"]).To(HaveKeyWithValue("errortext", ContainSubstring("VM instances are using it")))

		for _, id := range []string{vmID, failedID} { // a VM in Error still holds its template
			s.runJob("destroyVirtualMachine", map[string]string{"id": id, "expunge": "true"})
		}
		deleted := s.runJob("deleteTemplate", map[string]string{"id": tpl})
		Expect(deleted["jobstatus"]).To(BeNumerically("==", 1), "delete failed: %v", deleted["jobresult"])
	})
})
