package cpi_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("reboot_vm", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		cfg := validConfig()
		cfg["cloudstack"].(map[string]any)["timeout"] = map[string]any{"global": 900, "reboot_vm": 240}
		configPath = writeConfig(GinkgoT().TempDir(), cfg)
	})

	It("reboots a running VM, bounded by the reboot_vm timeout", func() {
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateRunning), true, nil)
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		Expect(out.Response.Error).To(BeNil())
		Expect(out.Response.Result).To(BeNil())
		Expect(cloud.vms.RebootCallCount()).To(Equal(1))
		_, id, timeout := cloud.vms.RebootArgsForCall(0)
		Expect(id).To(Equal(opsVMID))
		Expect(timeout).To(Equal(240 * time.Second))
		Expect(cloud.vms.StartCallCount()).To(BeZero())
	})

	It("starts a stopped VM instead, with the same bound", func() {
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateStopped), true, nil)
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		Expect(out.Response.Error).To(BeNil())
		Expect(cloud.vms.StartCallCount()).To(Equal(1))
		_, id, timeout := cloud.vms.StartArgsForCall(0)
		Expect(id).To(Equal(opsVMID))
		Expect(timeout).To(Equal(240 * time.Second))
		Expect(cloud.vms.RebootCallCount()).To(BeZero())
	})

	It("uses the global timeout when reboot_vm has none", func() {
		cfg := validConfig()
		cfg["cloudstack"].(map[string]any)["timeout"] = map[string]any{"global": 900}
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateRunning), true, nil)
		serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), request("reboot_vm", opsVMID))
		_, _, timeout := cloud.vms.RebootArgsForCall(0)
		Expect(timeout).To(Equal(900 * time.Second))
	})

	It("leaves a VM that is already starting alone", func() {
		cloud.vms.GetReturns(opsVM("Starting"), true, nil)
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		Expect(out.Response.Error).To(BeNil())
		Expect(cloud.vms.RebootCallCount() + cloud.vms.StartCallCount()).To(BeZero())
	})

	It("reboots an older CPI's VM found by its name, by the VM's id", func() {
		cloud.vms.FindByNameReturns(opsVM(cloudstack.VMStateRunning), true, nil)
		out := serveWith(cloud, configPath, request("reboot_vm", opsLegacyVMCID))
		Expect(out.Response.Error).To(BeNil())
		_, id, _ := cloud.vms.RebootArgsForCall(0)
		Expect(id).To(Equal(opsVMID))
	})

	DescribeTable("a VM that is gone is VMNotFound, and nothing is called",
		func(cid string, prepare func()) {
			prepare()
			out := serveWith(cloud, configPath, request("reboot_vm", cid))
			expectOpsError(out, cpi.TypeVMNotFound, "VM '"+cid+"' not found")
			Expect(cloud.vms.RebootCallCount() + cloud.vms.StartCallCount()).To(BeZero())
		},
		Entry("unknown id", opsVMID, func() { cloud.vms.GetReturns(cloudstack.VM{}, false, nil) }),
		Entry("destroyed", opsVMID, func() { cloud.vms.GetReturns(opsVM(cloudstack.VMStateDestroyed), true, nil) }),
		Entry("expunging", opsVMID, func() { cloud.vms.GetReturns(opsVM(cloudstack.VMStateExpunging), true, nil) }),
		Entry("unknown legacy name", opsLegacyVMCID, func() { cloud.vms.FindByNameReturns(cloudstack.VM{}, false, nil) }),
	)

	It("is VMNotFound when the VM is expunged between the lookup and the reboot", func() {
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateRunning), true, nil)
		cloud.vms.RebootReturns(&cloudstack.JobError{Operation: "rebootVirtualMachine", JobID: "j-1", Code: 431,
			Text: "unable to find a virtual machine with id " + opsVMID})
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		expectOpsError(out, cpi.TypeVMNotFound, "unable to find a virtual machine")
	})

	It("refuses a VM in Error with a CloudError that says to recreate it", func() {
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateError), true, nil)
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		expectOpsError(out, cpi.TypeCloudError, "is in state Error")
		Expect(out.Response.Error.Message).To(ContainSubstring("recreate it"))
		Expect(cloud.vms.RebootCallCount() + cloud.vms.StartCallCount()).To(BeZero())
	})

	It("refuses a VM in a passing state with a CloudError naming the state", func() {
		cloud.vms.GetReturns(opsVM("Migrating"), true, nil)
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		expectOpsError(out, cpi.TypeCloudError, "is in state Migrating")
		Expect(cloud.vms.RebootCallCount() + cloud.vms.StartCallCount()).To(BeZero())
	})

	It("reports CloudStack's refusal as a CloudError with its text", func() {
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateStopped), true, nil)
		cloud.vms.StartReturns(&cloudstack.JobError{Operation: "startVirtualMachine", JobID: "j-2", Code: 533,
			Text: "Unable to create a deployment for VM"})
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		expectOpsError(out, cpi.TypeCloudError, "Unable to create a deployment for VM")
		Expect(out.Response.Error.Message).To(ContainSubstring("reboot_vm: VM '" + opsVMID + "'"))
	})

	It("reports a wait that ran out as a CloudError", func() {
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateRunning), true, nil)
		cloud.vms.RebootReturns(&cloudstack.TimeoutError{Operation: "rebootVirtualMachine", JobID: "j-3", Waited: 240 * time.Second})
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		expectOpsError(out, cpi.TypeCloudError, "gave up waiting")
	})

	It("reports a failed lookup as a CloudError", func() {
		cloud.vms.GetReturns(cloudstack.VM{}, false, &cloudstack.APIError{Command: "listVirtualMachines", HTTPCode: 401, Text: "unable to verify user credentials"})
		out := serveWith(cloud, configPath, request("reboot_vm", opsVMID))
		expectOpsError(out, cpi.TypeCloudError, "unable to verify user credentials")
	})
})
