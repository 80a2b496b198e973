package cpi_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("has_vm", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		configPath = writeConfig(GinkgoT().TempDir(), validConfig())
	})

	DescribeTable("answers by the VM's state",
		func(state string, exists bool) {
			cloud.vms.GetReturns(opsVM(state), true, nil)
			out := serveWith(cloud, configPath, request("has_vm", opsVMID))
			Expect(out.Response.Error).To(BeNil())
			Expect(out.Response.Result).To(Equal(exists))
			_, id := cloud.vms.GetArgsForCall(0)
			Expect(id).To(Equal(opsVMID))
		},
		Entry("Running exists", cloudstack.VMStateRunning, true),
		Entry("Stopped exists", cloudstack.VMStateStopped, true),
		Entry("Starting exists", "Starting", true),
		// A failed deploy still holds its addresses: only delete_vm releases them, so it must stay visible.
		Entry("Error exists", cloudstack.VMStateError, true),
		Entry("Destroyed is gone", cloudstack.VMStateDestroyed, false),
		Entry("Expunging is gone", cloudstack.VMStateExpunging, false),
	)

	It("answers false, not an error, for a VM CloudStack does not know", func() {
		cloud.vms.GetReturns(cloudstack.VM{}, false, nil)
		out := serveWith(cloud, configPath, request("has_vm", opsVMID))
		Expect(out.Response.Error).To(BeNil())
		Expect(out.Response.Result).To(BeFalse())
	})

	It("looks an older CPI's name-style CID up by name", func() {
		cloud.vms.FindByNameReturns(opsVM(cloudstack.VMStateRunning), true, nil)
		out := serveWith(cloud, configPath, request("has_vm", opsLegacyVMCID))
		Expect(out.Response.Result).To(BeTrue())
		Expect(cloud.vms.GetCallCount()).To(BeZero())
		_, name := cloud.vms.FindByNameArgsForCall(0)
		Expect(name).To(Equal(opsLegacyVMCID))
	})

	It("answers false for a name-style CID no VM has", func() {
		cloud.vms.FindByNameReturns(cloudstack.VM{}, false, nil)
		out := serveWith(cloud, configPath, request("has_vm", opsLegacyVMCID))
		Expect(out.Response.Error).To(BeNil())
		Expect(out.Response.Result).To(BeFalse())
	})

	It("reports a failed lookup as a CloudError with CloudStack's text, never as false", func() {
		cloud.vms.GetReturns(cloudstack.VM{}, false, &cloudstack.APIError{Command: "listVirtualMachines", HTTPCode: 530, Text: "database unavailable"})
		out := serveWith(cloud, configPath, request("has_vm", opsVMID))
		expectOpsError(out, cpi.TypeCloudError, "database unavailable")
		Expect(out.Response.Error.Message).To(ContainSubstring(opsVMID))
	})

	It("reports two VMs sharing a legacy name as a CloudError", func() {
		cloud.vms.FindByNameReturns(cloudstack.VM{}, false, &cloudstack.AmbiguousError{Kind: "VM", Name: opsLegacyVMCID, IDs: []string{"a", "b"}})
		out := serveWith(cloud, configPath, request("has_vm", opsLegacyVMCID))
		expectOpsError(out, cpi.TypeCloudError, "2 VMs are named")
	})
})
